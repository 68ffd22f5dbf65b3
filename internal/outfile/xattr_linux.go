//go:build linux

package outfile

import "syscall"

// hasXattrs reports whether the file has extended attributes, which a
// replacement by rename would not carry.
func hasXattrs(path string) bool {
	n, err := syscall.Listxattr(path, nil)
	return err == nil && n > 0
}
