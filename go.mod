module github.com/precedent-dev/precedent

go 1.26.8
