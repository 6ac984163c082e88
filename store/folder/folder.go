// Package folder makes the folders that phananh's commands write into, in
// a folder that must exist: a path whose parent is missing is refused,
// naming the missing folder, rather than made with all its parents. A
// mistyped --out, backup or key path would otherwise leave a report, a
// copy or a key where nobody looks (and a key nobody keeps a copy of loses
// the data it protects), and the command would succeed. The last folder of
// the path is made when missing: a first run writes into a new folder.
package folder

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Parent checks that the folder a new file or folder at path goes into
// exists. The error names it, and says how to make it with perm.
func Parent(path string, perm fs.FileMode) error {
	dir := filepath.Dir(filepath.Clean(path))
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist: correct the path, or make the folder first (install -d -m %o %s)", dir, perm.Perm(), dir)
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a folder: correct the path", dir)
	}
	return nil
}

// Make makes the folder dir with perm (less the umask) in a folder that
// must exist (Parent); a folder already at dir is kept as it is.
func Make(dir string, perm fs.FileMode) error {
	info, err := os.Stat(dir)
	switch {
	case err == nil && info.IsDir():
		return nil
	case err == nil:
		return fmt.Errorf("%s is not a folder: correct the path", dir)
	}
	if perr := Parent(dir, perm); perr != nil {
		return perr
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Mkdir(dir, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
