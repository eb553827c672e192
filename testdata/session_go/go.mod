module sessiongo

go 1.26
