package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"haugiang.gov.vn/phananh/mailer/strip"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/folder"
)

// CopyPhoto writes a result's photo without its metadata (strip.File: no
// Exif, XMP, IPTC, text chunk or comment, the orientation kept), streamed
// from the encrypted store.
func CopyPhoto(w io.Writer, blobs *store.Blobs, ph Photo) error {
	r, err := blobs.Open(ph.blobKey)
	if err != nil {
		return fmt.Errorf("publish: photo %s: %w", ph.Name, err)
	}
	defer r.Close()
	if err := strip.File(w, r, ph.typ); err != nil {
		return fmt.Errorf("publish: photo %s: %w", ph.Name, err)
	}
	return nil
}

// Photo returns a result's photo by name.
func (r Result) Photo(name string) (Photo, bool) {
	for _, ph := range r.Photos {
		if ph.Name == name {
			return ph, true
		}
	}
	return Photo{}, false
}

// WriteFiles writes the publication into dir, in the layout of the package
// documentation, for a web server to publish, and returns the paths it
// wrote. Each file is written whole, then renamed into place; files of an
// earlier run under ket-qua/ and open311/v2/ that this one did not write —
// a result reopened or marked secret since — are removed. A photo that
// cannot be read as its type is left out, and named in the error. dir is
// made on the first run, in a folder that must exist (folder.Make: a
// mistyped path is refused, not made).
func (p *Publication) WriteFiles(dir string, blobs *store.Blobs) ([]string, error) {
	if err := folder.Make(dir, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	w := &writer{dir: dir, written: map[string]bool{}}
	var errs []error
	for _, f := range p.files() {
		if err := w.file(f.path, f.data); err != nil {
			return w.paths, err
		}
	}
	for _, r := range p.Results {
		for _, ph := range r.Photos {
			err := w.stream(dirResults+"/"+r.Code+"/"+ph.Name, func(out io.Writer) error { return CopyPhoto(out, blobs, ph) })
			var unreadable strip.FormatError
			if errors.As(err, &unreadable) {
				errs = append(errs, fmt.Errorf("%s: %w", r.Code, err))
				continue
			}
			if err != nil {
				return w.paths, err
			}
		}
	}
	if err := w.removeStale(dirResults, dirOpen311); err != nil {
		return w.paths, err
	}
	return w.paths, errors.Join(errs...)
}

type file struct {
	path string
	data func() ([]byte, error)
}

// files lists the publication's files but the photos.
func (p *Publication) files() []file {
	out := []file{
		{dirResults + "/index.html", p.Index},
		{dirResults + "/ket-qua.json", p.JSON},
	}
	open311 := func(name string, v any) {
		for _, format := range []string{"json", "xml"} {
			out = append(out, file{dirOpen311 + "/" + name + "." + format, func() ([]byte, error) { return Encode311(format, v) }})
		}
	}
	open311("services", p.Services())
	open311("requests", p.Requests(Query{}, -1))
	for _, key := range p.Months() {
		out = append(out, file{dirResults + "/thang-" + key + ".html", func() ([]byte, error) {
			b, _, err := p.Month(key)
			return b, err
		}})
	}
	for _, r := range p.Results {
		out = append(out,
			file{dirResults + "/" + r.Code + ".html", func() ([]byte, error) { return p.Page(r) }},
			file{dirResults + "/" + r.Code + ".json", func() ([]byte, error) { return p.ResultJSON(r) }})
		open311("requests/"+r.Code, []Request{p.Request(r)})
	}
	return out
}

// writer writes files under dir and remembers them.
type writer struct {
	dir     string
	paths   []string
	written map[string]bool
}

func (w *writer) file(rel string, data func() ([]byte, error)) error {
	b, err := data()
	if err != nil {
		return err
	}
	return w.stream(rel, func(out io.Writer) error {
		_, err := out.Write(b)
		return err
	})
}

// stream writes a file through a temporary file renamed into place.
func (w *writer) stream(rel string, write func(io.Writer) error) error {
	path := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("publish: %s: %w", rel, err)
	}
	w.paths = append(w.paths, path)
	w.written[path] = true
	return nil
}

// removeStale removes the files under the subfolders that this run did not
// write, and the folders left empty.
func (w *writer) removeStale(subdirs ...string) error {
	for _, sub := range subdirs {
		root := filepath.Join(w.dir, filepath.FromSlash(sub))
		var dirs []string
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				dirs = append(dirs, path)
				return nil
			}
			if !w.written[path] {
				return os.Remove(path)
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("publish: %w", err)
		}
		for i := len(dirs) - 1; i >= 0; i-- {
			os.Remove(dirs[i]) // fails, as it should, when not empty
		}
	}
	return nil
}
