using System.Buffers.Binary;
using System.Text;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Tests.Parsing;

/// <summary>
/// The event keywords as the parser's first look reads them (<see cref="Keywords.ParkSpace"/> and the rest): each
/// constant is its keyword's literal, and the first look decides every line as the keyword table does.
/// </summary>
public sealed class KeywordsTests
{
    [Fact]
    public void FirstLookConstants_AreTheKeywordsFollowedByASpace()
    {
        Assert.Equal(Keywords.ParkSpace, Word([.. Keywords.Park, (byte)' ']));
        Assert.Equal(Keywords.ReadySpace, Word([.. Keywords.Ready, (byte)' ', 0]));
        Assert.Equal(Keywords.CreateHead, Word(Keywords.Create[..8]));
        Assert.Equal(Keywords.ColonSpace, BinaryPrimitives.ReadUInt16LittleEndian([.. Keywords.Create[8..], (byte)' ']));
        Assert.Equal(Keywords.DestroyHead, Word(Keywords.Destroy[..8]));
        Assert.Equal(Keywords.DestroyTail, Word([.. Keywords.Destroy[3..], (byte)' ']));
    }

    [Fact]
    public void Parse_KeywordFollowedByASpace_DecidesAsWithATabAndNotAsWithNoBlank()
    {
        // A tab after the keyword skips the first look: the keyword table decides that line. Both must give the same.
        int lines = 0;
        var names = new NameTable();
        foreach (string line in PrintedLineParserTests.Corpus())
        {
            foreach (string variant in PrintedLineParserTests.Variants(line).Concat(Shortened(line)))
            {
                int colon = variant.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0 || colon + 1 >= variant.Length || variant[colon + 1] != ' ')
                {
                    continue;
                }

                lines++;
                string tabbed = variant[..(colon + 1)] + "\t" + variant[(colon + 2)..];
                LineCategory spaced = TraceLineParser.Parse(Encoding.UTF8.GetBytes(variant), lines, out TraceEvent e, out ParseFailure why);
                LineCategory table = TraceLineParser.Parse(Encoding.UTF8.GetBytes(tabbed), lines, out TraceEvent expected, out ParseFailure expectedWhy);
                string got = $"{spaced} {why} {PrintedLineParserTests.Describe(e, names)}";
                string want = $"{table} {expectedWhy} {PrintedLineParserTests.Describe(expected, names)}";
                Assert.True(want == got, $"{variant}\n  table:      {want}\n  first look: {got}");

                // Without a blank after it, the keyword is no keyword: the line is not an event.
                string joined = variant[..(colon + 1)] + variant[(colon + 2)..];
                if (joined.Length > colon + 1 && !char.IsWhiteSpace(joined[colon + 1]))
                {
                    Assert.NotEqual(LineCategory.Event, TraceLineParser.Parse(Encoding.UTF8.GetBytes(joined), lines, out _, out _));
                }
            }
        }

        Assert.True(lines > 10_000, $"{lines} lines");
    }

    /// <summary>The line cut short, down to its keyword: lines too short for the first look, and lines just long enough.</summary>
    private static IEnumerable<string> Shortened(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        for (int length = line.Length - 1; length > colon + 1; length--)
        {
            yield return line[..length];
        }
    }

    private static ulong Word(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);
}
