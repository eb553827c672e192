module exprgo

go 1.26
