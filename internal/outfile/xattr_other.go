//go:build unix && !linux

package outfile

// hasXattrs is false where arrfarm does not look for extended attributes.
func hasXattrs(string) bool { return false }
