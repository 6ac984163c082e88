package routing

import "sync/atomic"

// Holder keeps the table in use and swaps it on reload (SIGHUP), so that the
// routing of each report sees one whole table, old or new.
type Holder struct {
	table  atomic.Pointer[Table]
	center atomic.Pointer[[2]string] // the Center's names, see NameCenter
}

// NewHolder loads the table at path, or the built-in table of that name
// when path is "" (see Open).
func NewHolder(path, name string) (*Holder, error) {
	t, err := Open(path, name)
	if err != nil {
		return nil, err
	}
	h := &Holder{}
	h.table.Store(t)
	return h, nil
}

// Load returns the table in use.
func (h *Holder) Load() *Table { return h.table.Load() }

// Reload loads the table at path, or the built-in table of that name when
// path is "" (see Open), and puts it in use. When the file cannot be read or
// has a problem, the table in use stays and the error says why.
func (h *Holder) Reload(path, name string) error {
	t, err := Open(path, name)
	if err != nil {
		return err
	}
	h.store(t)
	return nil
}

// NameCenter names the Center of the table in use, and of those reloaded
// after, as the deployment does (see Table.NamedCenter); "" keeps the
// table's name.
func (h *Holder) NameCenter(name, english string) {
	h.center.Store(&[2]string{name, english})
	h.store(h.Load())
}

func (h *Holder) store(t *Table) {
	if c := h.center.Load(); c != nil {
		t = t.NamedCenter(c[0], c[1])
	}
	h.table.Store(t)
}
