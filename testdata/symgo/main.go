// symgo is the Go fixture of the symbols tests: plain functions, a method,
// a closure and a goroutine, built with -gcflags=all=-N -l.
package main

import (
	"fmt"
	"os"
)

type counter struct{ n int }

func (c *counter) bump(by int) int {
	c.n += by // BP:go_bump
	return c.n
}

func sum(xs []int) int {
	total := 0 // BP:go_sum_body
	for _, x := range xs {
		total += x // BP:go_sum_loop
	}
	return total
}

func main() {
	c := &counter{}
	done := make(chan int)
	go func() {
		done <- sum([]int{1, 2, 3}) // BP:go_closure
	}()
	v := <-done
	fmt.Println(c.bump(v)) // BP:go_main_print
	os.Exit(0)
}
