//go:build linux

package outfile

import "syscall"

func setXattr(p, name, value string) error { return syscall.Setxattr(p, name, []byte(value), 0) }

func getXattr(p, name string) (string, error) {
	b := make([]byte, 256)
	n, err := syscall.Getxattr(p, name, b)
	if err != nil {
		return "", err
	}
	return string(b[:n]), nil
}
