//go:build unix && !linux

package outfile

import "errors"

var errNoXattr = errors.New("extended attributes are looked for on Linux only")

func setXattr(string, string, string) error   { return errNoXattr }
func getXattr(string, string) (string, error) { return "", errNoXattr }
