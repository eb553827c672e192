package main

import (
	"github.com/dapproc/dapproc/tracer"
	"github.com/dapproc/dapproc/tracer/linux"
)

// newLauncher returns the tracer sessions use: ptrace on Linux. Only this
// package imports tracer/linux, so the session can be tested with others.
func newLauncher() tracer.Launcher { return linux.Launcher{} }
