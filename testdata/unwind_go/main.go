// Command unwind_go gives the symbols unwinder a Go call chain on a
// goroutine other than main's, with a few Go values to read.
package main

import "fmt"

var sink int

func inner(n int) int {
	word := "hello"
	xs := []int{10, 20, 30}
	sink = n*3 + len(word) + xs[1] // BP:go_inner
	return sink
}

func middle(n int) int {
	r := inner(n + 1) // BP:go_call_inner
	return r + 1
}

func outer(n int, done chan<- int) {
	done <- middle(n + 1) // BP:go_call_middle
}

func main() {
	done := make(chan int)
	go outer(1, done)
	fmt.Println(<-done)
}
