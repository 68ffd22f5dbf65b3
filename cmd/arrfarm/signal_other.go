//go:build !unix && !windows

package main

import "os"

// Elsewhere (Plan 9, WebAssembly) arrfarm catches nothing: a temporary
// file written at the moment the process is interrupted may stay behind
// (its name starts with ".arrfarm-"; the next write into its folder
// removes it once it is an hour old).
func catchSignals() {}

func endBy(os.Signal) { os.Exit(1) }
