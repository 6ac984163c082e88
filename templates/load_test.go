package templates

import "haugiang.gov.vn/phananh/rules/routing"

// load is LoadFor with the bodies of the default routing table (Appendix I).
func load(dir string) (*Set, error) { return LoadFor(dir, routing.Default().Bodies()) }
