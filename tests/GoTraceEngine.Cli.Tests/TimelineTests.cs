using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// <c>gotrace replay --timeline</c>: CSV and SVG checked directly; the HTML page opened in a real headless Chromium
/// (Debian's <c>chromium</c>, installed by .ci/run), which must lay the chart out as intended (leak labels measured in
/// the browser) and render a screenshot that is not blank.
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
        Assert.Equal("x_line,live,blocked,forever,select,sync.(*Cond).Wait,sync,chan send,chan receive,leaked,leaks_starting", rows[0]);
        Assert.Equal("4,3,0,0,0,0,0,0,0,0,", rows[3]);
        Assert.Equal("5,3,1,0,0,0,0,1,0,1,(start function unknown): chan send", rows[4]);
        Assert.Equal("6,3,2,0,0,0,0,2,0,2,", rows[5]);
        Assert.Equal("8,3,3,0,0,0,0,3,0,3,", rows[^1]);
    }

    [Fact]
    public async Task Timeline_Csv_BusyTrace_LeakedNeverDecreasesAndEndsAtTheLeakCount()
    {
        string input = await BusyTraceAsync();
        string csv = Path.Combine(_directory, "busy.csv");
        (int exit, string report, _) = await RunAsync("replay", input, "--timeline", csv, "--format", "json");
        Assert.Equal(0, exit);
        long leaks = System.Text.Json.JsonDocument.Parse(report).RootElement.GetProperty("verdict").GetProperty("leaks").GetInt64();
        string[] rows = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        int column = Array.IndexOf(rows[0].Split(','), "leaked");
        long[] leaked = [.. rows.Skip(1).Select(r => long.Parse(r.Split(',')[column], CultureInfo.InvariantCulture))];
        Assert.True(leaks > 0, "the busy trace has leaks");
        Assert.Equal(0, leaked[0]);
        Assert.Equal(leaks, leaked[^1]);
        Assert.True(leaked.Zip(leaked.Skip(1)).All(p => p.First <= p.Second), "leaked goroutines decreased");
        Assert.True(leaked.Distinct().Count() > 3, "the leak grows in steps over the trace");
    }

    [Fact]
    public async Task Timeline_Svg_IsWellFormedWithStepLinesIntegerTicksAndAMarkPerGroup()
    {
        string svg = Path.Combine(_directory, "pool.svg");
        Assert.Equal(0, (await RunAsync("replay", Fixture("pool-full.trace.txt"), "--timeline", svg)).Exit);
        XDocument doc = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        List<XElement> paths = [.. doc.Descendants(ns + "path")];
        Assert.Equal(3, paths.Count(e => (string?)e.Attribute("class") == "reason"));
        Assert.Equal(3, doc.Descendants(ns + "line").Count(e => (string?)e.Attribute("class") == "leak-start"));
        Assert.Equal(3, doc.Descendants(ns + "text").Count(e => (string?)e.Attribute("class") == "leak-label"));

        // Every count is a step line: horizontal and vertical moves only.
        foreach (XElement path in paths)
        {
            Assert.Matches(StepPath, (string)path.Attribute("d")!);
        }

        string live = (string)paths.Single(e => (string?)e.Attribute("id") == "live").Attribute("d")!;
        Assert.Contains('H', live);
        Assert.Contains('V', live);
        Assert.NotNull(paths.SingleOrDefault(e => (string?)e.Attribute("id") == "blocked"));
        AssertNeverDecreases((string)paths.Single(e => (string?)e.Attribute("id") == "leaked").Attribute("d")!);

        string[] ticks = [.. doc.Descendants(ns + "text").Where(e => (string?)e.Attribute("class") == "y-tick").Select(e => e.Value)];
        AssertWholeNumbers(ticks);
        Assert.Equal(["goroutines", "leaked goroutines"], doc.Descendants(ns + "text").Where(e => (string?)e.Attribute("class") == "y-label").Select(e => e.Value));
    }

    [Fact]
    public async Task Timeline_BadExtension_ExitsTwo()
    {
        Assert.Equal(2, (await RunAsync("replay", Fixture("leaky.dtrace.txt"), "--timeline", Path.Combine(_directory, "x.png"))).Exit);
    }

    /// <summary>
    /// Opens the page in Chromium and measures it there: the leak labels' boxes as laid out (at most ten, none
    /// overlapping another, all inside the chart), whole-number y ticks, step lines, the leak line; then a screenshot
    /// that is not blank. <c>many-groups</c> has 24 leak groups with long names that all start together, the case
    /// that piled labels on top of each other; <c>busy</c> is <c>gotrace gen --busy 60 --live 10000 --leaks 6</c>,
    /// whose leak groups (-1) are what its JSON report lists.
    /// Set GOTRACE_TIMELINE_SCREENSHOTS to a folder to keep the screenshots.
    /// </summary>
    [Theory]
    [InlineData("leaky", 1)]
    [InlineData("busy", -1)]
    [InlineData("many-groups", 24)]
    public async Task Timeline_Html_RendersInChromium(string trace, int groups)
    {
        string? chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.Skip("Chromium is not installed (apt-get install chromium): the page was not opened in a browser");
        }

        string input = trace switch
        {
            "busy" => await BusyTraceAsync(),
            "many-groups" => await ManyGroupsTraceAsync(groups),
            _ => Fixture("leaky.dtrace.txt"),
        };
        if (groups < 0)
        {
            (int exit, string json, _) = await RunAsync("replay", input, "--format", "json");
            Assert.Equal(0, exit);
            using var report = System.Text.Json.JsonDocument.Parse(json);
            groups = report.RootElement.GetProperty("leakGroups").GetArrayLength();
            Assert.True(groups >= 2, $"the busy trace has {groups} leak groups");
        }

        string html = Path.Combine(_directory, trace + ".html");
        Assert.Equal(0, (await RunAsync("replay", input, "--timeline", html)).Exit);

        // The page has no scripts: a copy with one that reads the layout Chromium computed and writes it into the DOM.
        string probe = Path.Combine(_directory, trace + ".probe.html");
        string page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(probe, page.Replace("</body>", ProbeScript + "</body>", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        string dom = Chromium(chromium, "--dump-dom", probe, out _);
        Match found = Regex.Match(dom, "<pre id=\"layout\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(found.Success, "the probe script did not run");
        using var layout = System.Text.Json.JsonDocument.Parse(WebUtility.HtmlDecode(found.Groups[1].Value));
        System.Text.Json.JsonElement root = layout.RootElement;

        Assert.Equal(groups, root.GetProperty("groups").GetInt32());
        Box chart = Box.Of(root.GetProperty("svg"));
        Box[] labels = [.. root.GetProperty("labels").EnumerateArray().Select(Box.Of)];
        Assert.Equal(Math.Min(groups, 10), labels.Length);
        foreach (Box label in labels)
        {
            Assert.True(label.Width > 0 && label.Height > 0, $"label {label} is not drawn");
            Assert.True(chart.Contains(label), $"label {label} leaves the chart {chart}");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            for (int j = i + 1; j < labels.Length; j++)
            {
                Assert.False(labels[i].Overlaps(labels[j]), $"labels overlap: {labels[i]} and {labels[j]}");
            }
        }

        AssertWholeNumbers([.. root.GetProperty("yTicks").EnumerateArray().Select(t => t.GetString()!)]);
        Assert.Contains("goroutines", root.GetProperty("yLabels").EnumerateArray().Select(t => t.GetString()));
        foreach (System.Text.Json.JsonElement d in root.GetProperty("paths").EnumerateArray())
        {
            Assert.Matches(StepPath, d.GetString()!);
        }

        string leaked = root.GetProperty("leaked").GetString()!;
        AssertNeverDecreases(leaked);
        Assert.Contains('V', leaked);

        string png = Path.Combine(_directory, trace + ".png");
        Chromium(chromium, "--screenshot=" + png, html, out _);
        Assert.True(File.Exists(png), "no screenshot");
        Assert.True(DistinctPixelBytes(await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken)) >= 32, "the screenshot is blank");
        if (Environment.GetEnvironmentVariable("GOTRACE_TIMELINE_SCREENSHOTS") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(png, Path.Combine(keep, trace + ".png"), overwrite: true);
        }
    }

    /// <summary>An SVG path of horizontal and vertical moves only (a closed area ends in Z).</summary>
    private const string StepPath = @"^M-?\d+(\.\d)?,-?\d+(\.\d)?([HV]-?\d+(\.\d)?)*Z?$";

    /// <summary>Reads the page's layout as Chromium computed it into <c>&lt;pre id="layout"&gt;</c>.</summary>
    private const string ProbeScript = """
        <script>
        const box = e => { const r = e.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: e.textContent }; };
        const texts = c => [...document.querySelectorAll('#timeline text.' + c)].map(e => e.textContent);
        const layout = {
          svg: box(document.querySelector('#timeline')),
          labels: [...document.querySelectorAll('#timeline text.leak-label')].map(box),
          yTicks: texts('y-tick'),
          yLabels: texts('y-label'),
          paths: [...document.querySelectorAll('#timeline path')].map(e => e.getAttribute('d')),
          leaked: document.querySelector('#leaked').getAttribute('d'),
          groups: document.querySelectorAll('#groups tr').length - 1,
        };
        const pre = document.createElement('pre');
        pre.id = 'layout';
        pre.textContent = JSON.stringify(layout);
        document.body.appendChild(pre);
        </script>
        """;

    /// <summary><c>gotrace gen --busy 60 --live 10000 --leaks 6</c>: a busy server cut mid-flight, with leaks that start at random times and grow.</summary>
    private async Task<string> BusyTraceAsync()
    {
        string input = Path.Combine(_directory, "busy.txt");
        Assert.Equal(0, (await RunAsync("gen", "--busy", "60", "--live", "10000", "--leaks", "6", "--seed", "1", "-o", input)).Exit);
        return input;
    }

    /// <summary>
    /// <paramref name="groups"/> leak groups with long start function names, the biggest first, all starting within
    /// 50 ms of each other and still blocked when the program ends 10 s later.
    /// </summary>
    private async Task<string> ManyGroupsTraceAsync(int groups)
    {
        var text = new System.Text.StringBuilder("# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace\n");
        long g = 0xc000100000;
        for (int group = 0; group < groups; group++)
        {
            for (int i = 0; i < groups - group; i++, g += 0x200)
            {
                long ts = 1_000_000_000 + (group * 2_000_000) + i;
                text.Append(CultureInfo.InvariantCulture, $"newproc1: ts={ts} goroutine={g:x} parent=824633749504 fn=main.(*ConnectionPoolManager).handleIncomingRequestKind{group:00} creator=main.(*Server).Serve\n");
                text.Append(CultureInfo.InvariantCulture, $"gopark: ts={ts + 1000} goroutine={g:x} reason=7 wait=14 obj={0xc010000000 + (group * 0x40):x}\n");
            }
        }

        text.Append("END: ts=11000000000\n");
        string input = Path.Combine(_directory, "many-groups.txt");
        await File.WriteAllTextAsync(input, text.ToString(), TestContext.Current.CancellationToken);
        return input;
    }

    private static void AssertWholeNumbers(string[] ticks)
    {
        Assert.NotEmpty(ticks);
        foreach (string tick in ticks)
        {
            Assert.True(long.TryParse(tick, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _), $"y tick '{tick}' is not a whole number");
        }
    }

    /// <summary>The path's vertical moves only go up (SVG y falls as the count rises).</summary>
    private static void AssertNeverDecreases(string d)
    {
        double y = double.Parse(Regex.Match(d, @"^M[^,]+,([^HVZ]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        foreach (Match move in Regex.Matches(d, @"V([^HVZ]+)"))
        {
            double next = double.Parse(move.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(next <= y, $"the leak line goes down from y={y} to y={next}");
            y = next;
        }
    }

    private readonly record struct Box(double Left, double Top, double Right, double Bottom, string Text)
    {
        public double Width => Right - Left;

        public double Height => Bottom - Top;

        public static Box Of(System.Text.Json.JsonElement e) => new(
            e.GetProperty("left").GetDouble(), e.GetProperty("top").GetDouble(), e.GetProperty("right").GetDouble(), e.GetProperty("bottom").GetDouble(),
            e.TryGetProperty("text", out System.Text.Json.JsonElement t) ? t.GetString() ?? string.Empty : string.Empty);

        public bool Contains(Box other) => other.Left >= Left && other.Right <= Right && other.Top >= Top && other.Bottom <= Bottom;

        public bool Overlaps(Box other) => Left < other.Right && other.Left < Right && Top < other.Bottom && other.Top < Bottom;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"'{Text}' ({Left:0.#},{Top:0.#})-({Right:0.#},{Bottom:0.#})");
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
