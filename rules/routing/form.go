package routing

import (
	"strings"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Labels of the citizen's form (SPEC 4.4) that routing reads, without
// diacritics: a label is recognised with or without them, in any case.
const (
	labelField    = "linh vuc"
	labelPlace    = "dia diem"
	labelAddress  = "dia chi"
	maxLabelWords = 2
)

// withForm fills the input's declared field, location and address from the form's
// lines in its text ("Lĩnh vực: Điện", "Địa điểm: huyện Vị Thủy") when the
// caller left them empty: the field from the Lĩnh vực line, the location
// from the Địa điểm line, the address from the Địa chỉ line.
func withForm(in Input) Input {
	if in.Field != "" && in.Location != "" && in.Address != "" {
		return in
	}
	var field, place, address string
	for line := range strings.Lines(in.Text) {
		label, value, ok := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		if !ok || value == "" {
			continue
		}
		ws := fold.Words(label)
		if len(ws) != maxLabelWords {
			continue
		}
		switch strings.Join(ws, " ") {
		case labelField:
			field = first(field, value)
		case labelPlace:
			place = first(place, value)
		case labelAddress:
			address = first(address, value)
		}
	}
	in.Field = first(in.Field, field)
	in.Location = first(in.Location, place)
	in.Address = first(in.Address, address)
	return in
}

// first returns a unless it is empty, else b.
func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
