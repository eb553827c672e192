package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/dapproc/dapproc/adapter"
	"github.com/dapproc/dapproc/tracer"
)

//go:embed demo/demo.c
var demoSource []byte

// demoMain runs `dapproc demo [--dap]`.
func demoMain(args []string) int {
	fs := flag.NewFlagSet("dapproc demo", flag.ContinueOnError)
	raw := fs.Bool("dap", false, "also print every DAP message as the JSON on the wire")
	logLevel := fs.String("log", "error", "adapter log `level` on stderr: error, warn, info or debug")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	log, closeLog, err := newLogger(*logLevel, "", false, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dapproc demo:", err)
		return exitUsage
	}
	defer closeLog()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runDemo(ctx, os.Stdout, *raw, newLauncher(), log); err != nil {
		fmt.Fprintln(os.Stderr, "dapproc demo:", err)
		return 1
	}
	return 0
}

// runDemo builds the bundled C program, serves the real adapter on a
// loopback socket in this process, and drives a whole session over it as an
// editor would, writing a transcript to out.
func runDemo(ctx context.Context, out io.Writer, raw bool, launcher tracer.Launcher, log *slog.Logger) error {
	dir, err := os.MkdirTemp("", "dapproc-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src, bin, err := buildDemo(dir)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening on loopback for the adapter: %w", err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer conn.Close()
		served <- adapter.Serve(ctx, conn, adapter.Options{Launcher: launcher, Log: log, LogDAP: log.Enabled(ctx, slog.LevelDebug)})
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return fmt.Errorf("connecting to the adapter: %w", err)
	}

	fmt.Fprintf(out, "dapproc demo: debugging a small C program through the real adapter, as an editor would.\n")
	fmt.Fprintf(out, "  program  %s (built with gcc -g -O0 from %s)\n", bin, src)
	fmt.Fprintf(out, "  adapter  dapproc.adapter.Serve on %s\n\n", ln.Addr())
	d := newDemoClient(conn, out, raw, demoSource)
	sessionErr := d.drive(src, bin)
	conn.Close()
	if err := <-served; err != nil && sessionErr == nil {
		sessionErr = fmt.Errorf("adapter: %w", err)
	}
	if sessionErr == nil {
		fmt.Fprintf(out, "\nThat was the whole session. Run `dapproc demo --dap` to see the JSON on the wire,\n"+
			"or point an editor at `dapproc` (stdio) or `dapproc --listen 127.0.0.1:4711`.\n")
	}
	return sessionErr
}

// buildDemo writes the bundled source into dir and compiles it.
func buildDemo(dir string) (src, bin string, err error) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return "", "", errors.New("gcc was not found in PATH: the demo compiles a small C program; " +
			"install gcc (Debian/Ubuntu: apt-get install gcc; Fedora: dnf install gcc) and run it again")
	}
	src = filepath.Join(dir, "demo.c")
	bin = filepath.Join(dir, "demo")
	if err := os.WriteFile(src, demoSource, 0o644); err != nil {
		return "", "", err
	}
	cmd := exec.Command(gcc, "-g", "-O0", "-o", bin, src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("gcc -g -O0 -o %s %s: %w\n%s", bin, src, err, bytes.TrimSpace(msg))
	}
	return src, bin, nil
}

// markerLine returns the 1-based line of source carrying `// BP:name`.
func markerLine(source []byte, name string) (int, error) {
	for i, line := range strings.Split(string(source), "\n") {
		if strings.HasSuffix(strings.TrimSpace(line), "// BP:"+name) {
			return i + 1, nil
		}
	}
	return 0, fmt.Errorf("demo source has no line marked BP:%s", name)
}
