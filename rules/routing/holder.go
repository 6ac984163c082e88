package routing

import "sync/atomic"

// Holder keeps the table in use and swaps it on reload (SIGHUP), so that the
// routing of each report sees one whole table, old or new.
type Holder struct {
	table atomic.Pointer[Table]
}

// NewHolder loads the table at path ("" for the built-in table).
func NewHolder(path string) (*Holder, error) {
	t, err := open(path)
	if err != nil {
		return nil, err
	}
	h := &Holder{}
	h.table.Store(t)
	return h, nil
}

// Load returns the table in use.
func (h *Holder) Load() *Table { return h.table.Load() }

// Reload loads the table at path ("" for the built-in table) and puts it in
// use. When the file cannot be read or has a problem, the table in use stays
// and the error says why.
func (h *Holder) Reload(path string) error {
	t, err := open(path)
	if err != nil {
		return err
	}
	h.table.Store(t)
	return nil
}

// open loads the table at path, or returns the built-in table for "".
func open(path string) (*Table, error) {
	if path == "" {
		return Default(), nil
	}
	return Load(path)
}
