package rules

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// Source returns a pattern of re for regexp.Compile: the same matches and
// the same groups, by number (their names are not kept). syntax.Regexp.String would do, but
// since Go 1.26 it walks every rune of every character class to choose
// its case flags: 36 million instructions for the negated class of
// relief's documentation under (?i), 10 ms a process. Classes are
// written here as their ranges, which the parser has already folded.
func Source(re *syntax.Regexp) string {
	var b strings.Builder
	writeSyntax(&b, re)
	return b.String()
}

func writeSyntax(b *strings.Builder, re *syntax.Regexp) {
	sub := func(i int) {
		b.WriteString("(?:")
		writeSyntax(b, re.Sub[i])
		b.WriteString(")")
	}
	switch re.Op {
	case syntax.OpNoMatch:
		b.WriteString(`[^\x00-\x{10FFFF}]`)
	case syntax.OpEmptyMatch:
		b.WriteString(`(?:)`)
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			b.WriteString("(?i:")
		}
		b.WriteString(regexp.QuoteMeta(string(re.Rune)))
		if re.Flags&syntax.FoldCase != 0 {
			b.WriteString(")")
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			b.WriteString(`[^\x00-\x{10FFFF}]`)
			break
		}
		b.WriteString("[")
		for k := 0; k+1 < len(re.Rune); k += 2 {
			fmt.Fprintf(b, `\x{%x}-\x{%x}`, re.Rune[k], re.Rune[k+1])
		}
		b.WriteString("]")
	case syntax.OpAnyCharNotNL:
		b.WriteString(`(?-s:.)`)
	case syntax.OpAnyChar:
		b.WriteString(`(?s:.)`)
	case syntax.OpBeginLine:
		b.WriteString(`(?m:^)`)
	case syntax.OpEndLine:
		b.WriteString(`(?m:$)`)
	case syntax.OpBeginText:
		b.WriteString(`\A`)
	case syntax.OpEndText:
		b.WriteString(`\z`)
	case syntax.OpWordBoundary:
		b.WriteString(`\b`)
	case syntax.OpNoWordBoundary:
		b.WriteString(`\B`)
	case syntax.OpCapture:
		b.WriteString("(")
		writeSyntax(b, re.Sub[0])
		b.WriteString(")")
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		sub(0)
		switch re.Op {
		case syntax.OpStar:
			b.WriteString("*")
		case syntax.OpPlus:
			b.WriteString("+")
		case syntax.OpQuest:
			b.WriteString("?")
		case syntax.OpRepeat:
			switch {
			case re.Max == -1:
				fmt.Fprintf(b, "{%d,}", re.Min)
			case re.Max == re.Min:
				fmt.Fprintf(b, "{%d}", re.Min)
			default:
				fmt.Fprintf(b, "{%d,%d}", re.Min, re.Max)
			}
		}
		if re.Flags&syntax.NonGreedy != 0 {
			b.WriteString("?")
		}
	case syntax.OpConcat:
		for i := range re.Sub {
			sub(i)
		}
	case syntax.OpAlternate:
		b.WriteString("(?:")
		for i := range re.Sub {
			if i > 0 {
				b.WriteString("|")
			}
			sub(i)
		}
		b.WriteString(")")
	default:
		b.WriteString(re.String()) // no other operators exist
	}
}
