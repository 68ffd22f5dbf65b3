// Command arrfarm lints and simulates IIS Application Request Routing farms.
package main

import (
	"os"
	"sync"

	"github.com/arrfarm/arrfarm/internal/outfile"
)

func main() {
	catchSignals()
	exit(run(os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv))
}

// ending is held by whatever ends the process: exit, or the signal
// handler, which never lets go of it. A run that finishes (or fails, its
// output file closed under it by outfile.Abort) while a signal is being
// handled cannot exit with its own code first: the process ends by the
// signal, as the shell expects.
var ending sync.Mutex

// exit ends the process with code, unless a signal is ending it.
func exit(code int) {
	ending.Lock()
	os.Exit(code)
}

// interrupted is the whole reaction to a signal that ends the run (see
// signal_unix.go, signal_windows.go): remove the temporary files of the
// writes in progress (waiting for an in-place edit to finish), then end
// the process as the signal would have.
func interrupted(sig os.Signal) {
	ending.Lock()
	outfile.Abort()
	endBy(sig)
}
