using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>) scrapes <c>gotrace watch --prometheus</c> every second while the
/// pool-full fixture is written slowly to gotrace's standard input; Prometheus's HTTP API must then hold the blocked
/// counts and the leak-group gauge of the fixture's report. Everything listens on 127.0.0.1; both processes are stopped.
/// The README's Prometheus configuration and alert rules are checked by <c>promtool</c> and loaded by this Prometheus.
/// </summary>
public sealed class PrometheusTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gotrace-prometheus-").FullName;
    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (Process process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Watch_Prometheus_ScrapedByRealPrometheus_StoresTheReportsBlockedCountsAndLeakGroups()
    {
        string? prometheus = FindOnPath("prometheus");
        if (prometheus is null)
        {
            Assert.Skip("prometheus is not installed (apt-get install prometheus): the real-scrape test is skipped");
        }

        CancellationToken ct = TestContext.Current.CancellationToken;
        (_, string rules) = ReadmeConfiguration();
        int gotracePort = FreePort();
        int prometheusPort = FreePort();
        await File.WriteAllTextAsync(Path.Combine(_directory, "gotrace-rules.yml"), rules, ct);
        // A scrape may take up to 2 s (Prometheus caps a scrape's timeout at its interval): the first scrape of a fresh
        // gotrace compiles its exporter's code, about 100 ms on an idle machine and 0.25-0.46 s with four busy loops on
        // its 2 cores; with 1 s, a run that shared the machine with a build stored nothing.
        await File.WriteAllTextAsync(Path.Combine(_directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 2s
              scrape_timeout: 2s
              evaluation_interval: 1s
            rule_files:
              - gotrace-rules.yml
            scrape_configs:
              - job_name: gotrace
                static_configs:
                  - targets: ['127.0.0.1:{gotracePort}']
            """, ct);
        Process server = Start(prometheus, [
            "--config.file=" + Path.Combine(_directory, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(_directory, "data"),
            $"--web.listen-address=127.0.0.1:{prometheusPort}",
        ]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilAsync(async () => (await http.GetAsync("/-/ready", ct)).IsSuccessStatusCode, TimeSpan.FromSeconds(60), () => "Prometheus did not become ready: " + server.StandardError.ReadToEnd());

        // gotrace, a real process, fed the fixture over its standard input in small chunks, about four seconds in all.
        Process gotrace = Start(Path.Combine(AppContext.BaseDirectory, "gotrace"), ["watch", "--prometheus", $"127.0.0.1:{gotracePort}"], stdin: true);
        Task<string> stdout = gotrace.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = gotrace.StandardError.ReadToEndAsync(ct);
        byte[] trace = await File.ReadAllBytesAsync(Gotrace.Fixture("pool-full.trace.txt"), ct);
        for (int offset = 0; offset < trace.Length; offset += 256)
        {
            await gotrace.StandardInput.BaseStream.WriteAsync(trace.AsMemory(offset, Math.Min(256, trace.Length - offset)), ct);
            await gotrace.StandardInput.BaseStream.FlushAsync(ct);
            await Task.Delay(300, ct);
        }

        gotrace.StandardInput.Close();
        await gotrace.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(90), ct);
        Assert.True(gotrace.ExitCode == 0, await stderr);
        Assert.EndsWith(File.ReadAllText(Gotrace.Fixture("pool-full.expected.txt")), await stdout, StringComparison.Ordinal);

        // What the report says, by the JSON contract.
        (_, string json, _) = await Gotrace.RunAsync("replay", Gotrace.Fixture("pool-full.trace.txt"), "--format", "json");
        using JsonDocument report = JsonDocument.Parse(json);
        var blocked = report.RootElement.GetProperty("blockedByReason").EnumerateObject().ToDictionary(p => p.Name, p => (double)p.Value.GetInt64());
        var leaked = report.RootElement.GetProperty("leakGroups").EnumerateArray()
            .GroupBy(g => $"{g.GetProperty("startFunction").GetString()}|{g.GetProperty("reason").GetString()}")
            .ToDictionary(g => g.Key, g => (double)g.Sum(x => x.GetProperty("count").GetInt64()));
        Assert.Equal(6, blocked.Values.Sum());
        Assert.Equal(3, leaked.Count);

        // What Prometheus stored: the last sample of each series (the target is gone, so instant values are stale).
        Dictionary<string, double> storedBlocked = [];
        Dictionary<string, double> storedLeaked = [];
        string targets = string.Empty;
        await WaitUntilAsync(async () =>
        {
            storedBlocked = await QueryAsync(http, "last_over_time(gotrace_goroutines_blocked[5m])", m => m["reason"], ct);
            storedLeaked = await QueryAsync(http, "last_over_time(gotrace_goroutines_leaked[5m])", m => m["start_function"] + "|" + m["reason"], ct);
            targets = await http.GetStringAsync("/api/v1/targets?state=any", ct);
            return storedBlocked.Count == blocked.Count && storedLeaked.Count == leaked.Count;
        }, TimeSpan.FromSeconds(20), () => $"Prometheus holds blocked {Show(storedBlocked)} and leaked {Show(storedLeaked)}; its targets: {targets}; gotrace said: {stderr.Result}");
        Assert.Equal(blocked, storedBlocked);
        Assert.Equal(leaked, storedLeaked);
        Assert.Equal(6, (await QueryAsync(http, "sum(last_over_time(gotrace_goroutines_leaked[5m]))", _ => "sum", ct))["sum"]);

        // The README's alert rule was loaded and evaluated without error.
        string rulesJson = await http.GetStringAsync("/api/v1/rules", ct);
        using JsonDocument loaded = JsonDocument.Parse(rulesJson);
        JsonElement rule = loaded.RootElement.GetProperty("data").GetProperty("groups")[0].GetProperty("rules")[0];
        Assert.Equal("ok", rule.GetProperty("health").GetString());
    }

    [Fact]
    public async Task ReadmePrometheusConfiguration_PassesPromtool()
    {
        string? promtool = FindOnPath("promtool");
        if (promtool is null)
        {
            Assert.Skip("promtool is not installed (apt-get install prometheus): the configuration check is skipped");
        }

        (string config, string rules) = ReadmeConfiguration();
        await File.WriteAllTextAsync(Path.Combine(_directory, "prometheus.yml"), config, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_directory, "gotrace-rules.yml"), rules, TestContext.Current.CancellationToken);
        Process check = Start(promtool, ["check", "config", Path.Combine(_directory, "prometheus.yml")]);
        string output = await check.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken) + await check.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await check.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(check.ExitCode == 0, output);
        Assert.Contains("1 rules found", output, StringComparison.Ordinal);
    }

    /// <summary>The README's two yaml blocks: the Prometheus configuration (rule_files: gotrace-rules.yml) and the rules.</summary>
    private static (string Config, string Rules) ReadmeConfiguration()
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "GoTraceEngine.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        string readme = File.ReadAllText(Path.Combine(root!, "README.md"));
        List<string> blocks = [];
        int at = 0;
        while ((at = readme.IndexOf("```yaml\n", at, StringComparison.Ordinal)) >= 0)
        {
            int end = readme.IndexOf("\n```", at, StringComparison.Ordinal);
            blocks.Add(readme[(at + 8)..(end + 1)]);
            at = end;
        }

        return (Assert.Single(blocks, b => b.Contains("scrape_configs:", StringComparison.Ordinal)), Assert.Single(blocks, b => b.Contains("groups:", StringComparison.Ordinal)));
    }

    private static async Task<Dictionary<string, double>> QueryAsync(HttpClient http, string query, Func<Dictionary<string, string>, string> key, CancellationToken ct)
    {
        string body = await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query), ct);
        using JsonDocument json = JsonDocument.Parse(body);
        var result = new Dictionary<string, double>();
        foreach (JsonElement series in json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty);
            result[key(labels)] = double.Parse(series.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    private static string Show(Dictionary<string, double> values) => "{" + string.Join(", ", values.Select(p => $"{p.Key}={p.Value}")) + "}";

    private Process Start(string file, string[] args, bool stdin = false)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin, UseShellExecute = false, WorkingDirectory = _directory };
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        Process process = Process.Start(start)!;
        _started.Add(process);
        return process;
    }

    /// <summary>A port nothing listens on now: the kernel picks it for a socket bound to port 0.</summary>
    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    internal static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail(failure());
            }

            await Task.Delay(250);
        }
    }
}
