using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// <c>gotrace replay --timeline</c>: CSV and SVG checked directly; the HTML page opened in a real headless Chromium
/// (Debian's <c>chromium</c>, installed by .ci/run), which must render the chart: elements in its DOM, and a
/// screenshot that is not blank.
/// </summary>
public sealed class TimelineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gotrace-timeline-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Timeline_Csv_ShowsTheBlockedCountRisingWhereTheLeakBegins()
    {
        string csv = Path.Combine(_directory, "leaky.csv");
        Assert.Equal(0, (await RunAsync("replay", Fixture("leaky.dtrace.txt"), "--timeline", csv)).Exit);
        string[] rows = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        Assert.Equal("x_line,live,blocked,forever,select,sync.(*Cond).Wait,sync,chan send,chan receive,leaks_starting", rows[0]);
        Assert.Equal("4,3,0,0,0,0,0,0,0,", rows[3]);
        Assert.Equal("5,3,1,0,0,0,0,1,0,(start function unknown): chan send", rows[4]);
        Assert.Equal("8,3,3,0,0,0,0,3,0,", rows[^1]);
    }

    [Fact]
    public async Task Timeline_Svg_IsWellFormedWithAStackPerReasonAndAMarkPerGroup()
    {
        string svg = Path.Combine(_directory, "pool.svg");
        Assert.Equal(0, (await RunAsync("replay", Fixture("pool-full.trace.txt"), "--timeline", svg)).Exit);
        XDocument doc = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(3, doc.Descendants(ns + "polygon").Count(e => (string?)e.Attribute("class") == "reason"));
        Assert.Equal(3, doc.Descendants(ns + "line").Count(e => (string?)e.Attribute("class") == "leak-start"));
        Assert.NotNull(doc.Descendants(ns + "polyline").SingleOrDefault(e => (string?)e.Attribute("id") == "blocked"));
    }

    [Fact]
    public async Task Timeline_BadExtension_ExitsTwo()
    {
        Assert.Equal(2, (await RunAsync("replay", Fixture("leaky.dtrace.txt"), "--timeline", Path.Combine(_directory, "x.png"))).Exit);
    }

    [Theory]
    [InlineData("leaky")]
    [InlineData("generated-1m")]
    public async Task Timeline_Html_RendersInChromium(string trace)
    {
        string? chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.Skip("Chromium is not installed (apt-get install chromium): the page was not opened in a browser");
        }

        string input = Fixture("leaky.dtrace.txt");
        if (trace == "generated-1m")
        {
            input = Path.Combine(_directory, "generated.txt");
            Assert.Equal(0, (await RunAsync("gen", "-n", "1M", "-f", "full", "--leaks", "8", "--seed", "4", "-o", input)).Exit);
        }

        string html = Path.Combine(_directory, trace + ".html");
        Assert.Equal(0, (await RunAsync("replay", input, "--timeline", html, "--leak-after", trace == "leaky" ? "0" : "200ms")).Exit);
        string dom = Chromium(chromium, "--dump-dom", html, out _);
        Assert.Contains("<svg", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"blocked\"", dom, StringComparison.Ordinal);
        Assert.Contains("class=\"leak-start\"", dom, StringComparison.Ordinal);
        Assert.Contains("class=\"reason\"", dom, StringComparison.Ordinal);

        string png = Path.Combine(_directory, trace + ".png");
        Chromium(chromium, "--screenshot=" + png, html, out _);
        Assert.True(File.Exists(png), "no screenshot");
        Assert.True(DistinctPixelBytes(await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken)) >= 32, "the screenshot is blank");
    }

    private string Chromium(string chromium, string action, string page, out int exit)
    {
        var start = new ProcessStartInfo(chromium,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + Path.Combine(_directory, "profile-" + Guid.NewGuid().ToString("N")),
            "--window-size=1100,900", action, new Uri(page).AbsoluteUri,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "chromium did not finish in 60 s");
        _ = stderr.Result;
        exit = process.ExitCode;
        return output;
    }

    /// <summary>How many different byte values the PNG's decompressed pixel rows hold: a blank page has only a few.</summary>
    private static int DistinctPixelBytes(byte[] png)
    {
        using var idat = new MemoryStream();
        int at = 8;
        while (at + 8 <= png.Length)
        {
            int length = (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3];
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "IDAT")
            {
                idat.Write(png, at + 8, length);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        var seen = new bool[256];
        var buffer = new byte[1 << 16];
        int read;
        while ((read = inflate.Read(buffer)) > 0)
        {
            foreach (byte b in buffer.AsSpan(0, read))
            {
                seen[b] = true;
            }
        }

        return seen.Count(s => s);
    }
}
