//go:build !unix

package outfile

// On Windows a console interrupt cannot be raised again after catching it,
// so arrfarm does not catch it: a temporary file written at the moment of
// Ctrl-C may stay behind (its name starts with ".arrfarm-").
func watchSignals()   {}
func unwatchSignals() {}
