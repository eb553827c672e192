module github.com/dapproc/dapproc

go 1.26.0

require (
	github.com/go-delve/delve v1.27.2 // indirect
	github.com/google/go-dap v0.12.0 // indirect
	github.com/ianlancetaylor/demangle v0.0.0-20260724033716-83e58baca724 // indirect
	golang.org/x/arch v0.33.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
