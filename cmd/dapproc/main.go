// Command dapproc is a Debug Adapter Protocol server for native Linux x86-64
// programs. By default it speaks DAP on stdin and stdout, as editors expect
// when they spawn an adapter; --listen serves TCP or a Unix socket instead,
// one session per connection. `dapproc demo` shows a whole session without an
// editor.
//
// This package holds flags and wiring only: the protocol is in package
// adapter, the listeners and their safety rules in internal/server.
//
// Goroutines: main parses the flags and serves. In stdio mode it runs the
// one session itself; with --listen, internal/server runs each connection's
// session on a goroutine of its own, and a signal (SIGINT, SIGTERM) cancels
// them all. The demo runs the adapter on one goroutine and drives it as a
// client from main. Nothing but the DAP stream is ever written to stdout in
// stdio mode.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/dapproc/dapproc/adapter"
	"github.com/dapproc/dapproc/internal/server"
)

const usage = `usage:
  dapproc [flags]          serve one DAP session on stdin/stdout
  dapproc --listen ADDR    serve DAP on ADDR (127.0.0.1:4711, or unix:/path/sock)
  dapproc demo [--dap]     build a small C program and debug it, printing the session

With --listen, dapproc prints "dapproc listening at: ADDR" on stdout once it
accepts connections (port 0 picks a free port), and serves each connection
as its own session with its own debuggee until SIGINT or SIGTERM.

flags:
`

// exitUsage is the exit status for a command line that cannot be obeyed.
const exitUsage = 2

func main() {
	if len(os.Args) > 1 && os.Args[1] == "demo" {
		os.Exit(demoMain(os.Args[2:]))
	}
	os.Exit(serveMain(os.Args[1:]))
}

// options are the server's command-line settings.
type options struct {
	listen      string
	allowRemote bool
	logLevel    string
	logFile     string
	logDAP      bool
	version     bool
	cpuProfile  string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("dapproc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "", "serve on this TCP `address` (127.0.0.1:4711) or unix:/path/sock instead of stdio")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow --listen on a non-loopback address (connections are neither authenticated nor encrypted)")
	fs.StringVar(&o.logLevel, "log", "warn", "log `level`: error, warn, info or debug")
	fs.StringVar(&o.logLevel, "log-level", "warn", "same as --log")
	fs.StringVar(&o.logFile, "log-file", "", "write the log to this `file` instead of stderr")
	fs.BoolVar(&o.logDAP, "log-dap", false, "log every DAP message in and out (at debug level; implies --log debug)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this `file` (for go tool pprof)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.allowRemote && o.listen == "" {
		return o, errors.New("--allow-remote needs --listen")
	}
	return o, nil
}

func serveMain(args []string) int {
	o, err := parseFlags(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dapproc:", err)
		return exitUsage
	}
	if o.version {
		// stdout is safe here: no session is being served.
		fmt.Println("dapproc", version())
		return 0
	}
	log, closeLog, err := newLogger(o.logLevel, o.logFile, o.logDAP, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dapproc:", err)
		return exitUsage
	}
	defer closeLog()
	if o.cpuProfile != "" {
		stopProfile, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dapproc:", err)
			return exitUsage
		}
		defer stopProfile()
	}

	// SIGINT and SIGTERM end the sessions cleanly: launched debuggees are
	// killed, attached ones detached.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	launcher := newLauncher()
	session := func(ctx context.Context, conn io.ReadWriter, log *slog.Logger) error {
		return adapter.Serve(ctx, conn, adapter.Options{Launcher: launcher, Log: log, LogDAP: o.logDAP})
	}

	if o.listen == "" {
		err = serveStdio(ctx, log, session)
	} else {
		err = serveListen(ctx, o, log, session)
	}
	if err != nil {
		log.Error("dapproc failed", "err", err)
		if o.logFile != "" {
			fmt.Fprintln(os.Stderr, "dapproc:", err)
		}
		return 1
	}
	return 0
}

// sessionFunc runs one DAP session over conn.
type sessionFunc func(ctx context.Context, conn io.ReadWriter, log *slog.Logger) error

// serveListen serves sessions on the --listen address until a signal.
func serveListen(ctx context.Context, o options, log *slog.Logger, session sessionFunc) error {
	ln, remote, err := server.Listen(o.listen, o.allowRemote)
	if err != nil {
		return err
	}
	if remote {
		log.Warn(server.RemoteWarning, "addr", ln.Addr().String())
		if o.logFile != "" { // make sure a person sees it
			fmt.Fprintln(os.Stderr, "dapproc: warning:", server.RemoteWarning)
		}
	}
	// stdout is not the DAP stream in this mode: announce the address there,
	// so that a client that asked for port 0 can find the port.
	fmt.Printf("%s%s\n", server.Announcement, ln.Addr())
	return server.Serve(ctx, ln, log, func(ctx context.Context, conn net.Conn) {
		log := log.With("peer", conn.RemoteAddr().String())
		if err := session(ctx, conn, log); err != nil {
			log.Warn("session failed", "err", err)
		}
	})
}
