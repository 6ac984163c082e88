package store

import (
	"os"
	"sync"
)

// openPacks keeps the packs read lately open, so that reading a packed
// blob — the photo a mail attaches, a moment after its batch wrote it,
// beside the other photos of the same pack — costs no open and close of
// its file each time. Blobs are read with positioned reads (ReadAt), so
// that readers share a pack's descriptor. At most maxOpenPacks are kept;
// one still being read when it is let go is closed by its last reader. A
// pack removed (by the orphan sweep: no row names a blob of it, so no one
// reads it) may stay open until let go; a range freed by an erasure reads
// as the file now holds it.
type openPacks struct {
	mu    sync.Mutex
	packs map[string]*openPack
	tick  uint64
}

// maxOpenPacks bounds the packs kept open.
const maxOpenPacks = 8

type openPack struct {
	f       *os.File
	readers int
	used    uint64
	gone    bool // let go: closed by its last reader
}

// get returns the pack at path, open, for one more reader, who calls
// put when done.
func (o *openPacks) get(path string) (*openPack, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tick++
	if p, ok := o.packs[path]; ok {
		p.readers++
		p.used = o.tick
		return p, nil
	}
	f, err := openAside(path, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	if o.packs == nil {
		o.packs = map[string]*openPack{}
	}
	p := &openPack{f: f, readers: 1, used: o.tick}
	o.packs[path] = p
	if len(o.packs) > maxOpenPacks {
		o.letGo()
	}
	return p, nil
}

// letGo closes the pack used least lately, or marks it for its last
// reader to close.
func (o *openPacks) letGo() {
	var oldest string
	for path, p := range o.packs {
		if oldest == "" || p.used < o.packs[oldest].used {
			oldest = path
		}
	}
	p := o.packs[oldest]
	delete(o.packs, oldest)
	p.gone = true
	if p.readers == 0 {
		p.f.Close()
	}
}

// put ends a reader's use of p.
func (o *openPacks) put(p *openPack) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p.readers--
	if p.gone && p.readers == 0 {
		p.f.Close()
	}
}

// close closes every pack kept open, once its readers are done.
func (o *openPacks) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for path, p := range o.packs {
		delete(o.packs, path)
		p.gone = true
		if p.readers == 0 {
			p.f.Close()
		}
	}
}

// packReader closes a reader's use of an open pack.
type packReader struct {
	o *openPacks
	p *openPack
}

func (r packReader) Close() error {
	r.o.put(r.p)
	return nil
}
