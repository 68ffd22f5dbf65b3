//go:build !unix

package outfile

import (
	"io/fs"
	"os"
)

// replaceLoses: on Windows a rename keeps neither hard links nor the
// ACL-derived owner, but os exposes neither, so arrfarm cannot tell; the
// file is replaced, keeping the attributes os does expose (read-only is
// refused before).
func replaceLoses(string, fs.FileInfo) string { return "" }

func keepOwner(*os.File, fs.FileInfo) error { return nil }
