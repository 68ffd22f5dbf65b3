//go:build !unix && !windows

package outfile

// Elsewhere (Plan 9, WebAssembly) arrfarm catches nothing: a temporary
// file written at the moment the process is interrupted may stay behind
// (its name starts with ".arrfarm-").
func watchSignals()   {}
func unwatchSignals() {}
