module github.com/vggo/vggo

go 1.26.8
