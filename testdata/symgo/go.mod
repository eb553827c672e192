module symgo

go 1.26
