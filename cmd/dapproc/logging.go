package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// newLogger returns the logger for --log, --log-file and --log-dap: text
// lines on stderr, or appended to the file. It never writes to stdout.
func newLogger(level, file string, logDAP bool, stderr io.Writer) (*slog.Logger, func(), error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil || !validLevel(level) {
		return nil, nil, fmt.Errorf("--log %q: want error, warn, info or debug", level)
	}
	if logDAP {
		lvl = min(lvl, slog.LevelDebug) // the messages are logged at debug level
	}
	w, closeFn := stderr, func() {}
	if file != "" {
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("--log-file: %w", err)
		}
		w, closeFn = f, func() { f.Close() }
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl})), closeFn, nil
}

func validLevel(s string) bool {
	switch strings.ToLower(s) {
	case "error", "warn", "info", "debug":
		return true
	}
	return false
}
