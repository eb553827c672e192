// Command expr_go is the Go fixture of the expression evaluator: strings,
// slices, a struct through a pointer, and a package-level variable.
package main

import (
	"fmt"
	"os"
)

type item struct {
	name  string
	count int
	next  *item
}

var total = 40

func describe(it *item, tags []string, scores []int) int {
	label := it.name + "!"
	sum := total + it.count + len(tags) + scores[1] // BP:go_describe
	fmt.Println(label, sum)
	return sum
}

func main() {
	second := &item{name: "second", count: 2}
	first := &item{name: "first", count: 1, next: second}
	os.Exit(describe(first, []string{"red", "green"}, []int{10, 20, 30}) - 63)
}
