module e2e_go

go 1.26
