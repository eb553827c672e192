package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    options
		wantErr string
	}{
		{args: nil, want: options{logLevel: "warn"}},
		{args: []string{"--listen", "127.0.0.1:4711"}, want: options{listen: "127.0.0.1:4711", logLevel: "warn"}},
		{args: []string{"--listen=unix:/tmp/s", "--log", "debug", "--log-file", "/tmp/l", "--log-dap"},
			want: options{listen: "unix:/tmp/s", logLevel: "debug", logFile: "/tmp/l", logDAP: true}},
		{args: []string{"--listen", "0.0.0.0:1", "--allow-remote"},
			want: options{listen: "0.0.0.0:1", allowRemote: true, logLevel: "warn"}},
		{args: []string{"--log-level=error"}, want: options{logLevel: "error"}},
		{args: []string{"--cpuprofile", "/tmp/p"}, want: options{logLevel: "warn", cpuProfile: "/tmp/p"}},
		{args: []string{"--version"}, want: options{version: true, logLevel: "warn"}},
		{args: []string{"--allow-remote"}, wantErr: "--allow-remote needs --listen"},
		{args: []string{"stray"}, wantErr: `unexpected argument "stray"`},
		{args: []string{"--no-such-flag"}, wantErr: "flag provided but not defined"},
	} {
		var stderr bytes.Buffer
		got, err := parseFlags(tc.args, &stderr)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseFlags(%q) error = %v, want one containing %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseFlags(%q) = %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
}

func TestLoggerLevelsAndFile(t *testing.T) {
	if _, _, err := newLogger("loud", "", false, os.Stderr); err == nil || !strings.Contains(err.Error(), "error, warn, info or debug") {
		t.Errorf("level loud: err = %v, want the list of levels", err)
	}
	var stderr bytes.Buffer
	log, closeLog, err := newLogger("info", "", false, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("shown")
	closeLog()
	if s := stderr.String(); strings.Contains(s, "hidden") || !strings.Contains(s, "msg=shown") {
		t.Errorf("info logger wrote %q", s)
	}
	// --log-dap lowers the level to debug, where the messages are logged.
	log, closeLog, _ = newLogger("error", "", true, &stderr)
	if !log.Enabled(t.Context(), slog.LevelDebug) {
		t.Error("--log-dap with --log error does not log at debug level")
	}
	closeLog()

	file := filepath.Join(t.TempDir(), "dapproc.log")
	stderr.Reset()
	log, closeLog, err = newLogger("warn", file, false, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	log.Warn("to the file")
	closeLog()
	data, _ := os.ReadFile(file)
	if !strings.Contains(string(data), "to the file") || stderr.Len() != 0 {
		t.Errorf("log file holds %q and stderr %q; want the line in the file only", data, stderr.String())
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode = %v, %v; want 0600 (it may hold program data)", fi.Mode(), err)
	}
}

func TestDemoSourceHasItsMarker(t *testing.T) {
	line, err := markerLine(demoSource, "square")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(string(demoSource), "\n")[line-1]; !strings.Contains(got, "x * x") {
		t.Errorf("BP:square is on line %d, %q; want the multiplication", line, got)
	}
}

func TestDemoWithoutGccSaysToInstallIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, _, err := buildDemo(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "install gcc") {
		t.Errorf("buildDemo without gcc: err = %v, want advice to install gcc", err)
	}
}
