//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package outfile

import (
	"os"
	"time"
)

// lockFile takes no lock where os offers no flock (Windows, Solaris,
// AIX): two arrfarm runs editing one file at the same instant may both
// pass the stamp check there.
func lockFile(*os.File, time.Duration) error { return nil }

// lockHeld is false: with no lock to keep, Edit closes the file before
// replacing it (Windows refuses to rename over a file open without
// FILE_SHARE_DELETE, which os.Open does not ask for).
const lockHeld = false
