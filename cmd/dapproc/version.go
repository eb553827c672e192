package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// buildVersion may be set at link time: -ldflags "-X main.buildVersion=v1.0.0".
var buildVersion string

// version describes this build: the release or module version, the VCS
// revision when known, and the Go toolchain.
func version() string {
	v := buildVersion
	rev := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
				if len(rev) > 12 {
					rev = rev[:12]
				}
			case "vcs.modified":
				if s.Value == "true" && rev != "" {
					rev += "+dirty"
				}
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if rev != "" {
		v += " " + rev
	}
	return fmt.Sprintf("%s %s %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
