using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GoTraceEngine.Reporting;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

public sealed class MetricsExportTests
{
    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1", 9464)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("0.0.0.0:9464", "+", 9464)]
    [InlineData("[::1]:65535", "[::1]", 65535)]
    [InlineData("[::]:9464", "+", 9464)]
    public void TryParseEndpoint_HostPort_SplitsIt(string value, string host, int port)
    {
        Assert.True(MetricsExport.TryParseEndpoint(value, out string parsedHost, out int parsedPort));
        Assert.Equal((host, port), (parsedHost, parsedPort));
    }

    [Theory]
    [InlineData("9464")]
    [InlineData(":9464")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:http")]
    [InlineData("::1:9464")]
    [InlineData("bad host:9464")]
    public void TryParseEndpoint_NotHostPort_IsRefused(string value) =>
        Assert.False(MetricsExport.TryParseEndpoint(value, out _, out _));

    [Fact]
    public void Series_ManyGroups_KeepsTheBiggestAndSumsTheRestIntoOther()
    {
        var groups = new List<LeakGroup>();
        for (int i = 0; i < 14; i++)
        {
            groups.Add(new LeakGroup { StartFunction = $"main.f{i}", Creator = "main.main", Reason = "chan send", ReasonCode = 6, Count = 100 - i, OldestBlockedNs = null, ExampleG = 0 });
        }

        groups.Add(new LeakGroup { StartFunction = "main.f0", Creator = "main.other", Reason = "chan send", ReasonCode = 6, Count = 5, OldestBlockedNs = null, ExampleG = 0 });   // same function and reason, other creator: one series
        groups.Add(new LeakGroup { StartFunction = null, Creator = null, Reason = "select", ReasonCode = 3, Count = 1, OldestBlockedNs = null, ExampleG = 0 });

        LeakSeries[] series = MetricsExport.Series(groups, top: 10);

        Assert.Equal(11, series.Length);
        Assert.Equal(new LeakSeries("main.f0", "chan send", 105), series[0]);
        Assert.Equal(new LeakSeries("main.f9", "chan send", 91), series[9]);
        Assert.Equal(new LeakSeries("other", "other", 90 + 89 + 88 + 87 + 1), series[10]);
        Assert.Equal(groups.Sum(g => g.Count), series.Sum(s => s.Count));
    }

    [Fact]
    public void Series_NoFunctionNames_LabelsThemUnknown() =>
        Assert.Equal([new LeakSeries("unknown", "chan send", 3)], MetricsExport.Series([new LeakGroup { StartFunction = null, Creator = null, Reason = "chan send", ReasonCode = 6, Count = 3, OldestBlockedNs = null, ExampleG = 0 }], top: 10));

    [Theory]
    [InlineData("watch")]
    [InlineData("trace")]
    public async Task Prometheus_BadEndpoint_ExitsTwoWithOneLine(string command)
    {
        string[] args = command == "watch" ? ["watch", "--prometheus", "9464"] : ["trace", "--prometheus", "nope", "--", "/bin/true"];
        (int exit, string output, string error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("is not HOST:PORT", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_PrometheusPortInUse_ExitsTwoWithOneLineBeforeReading()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        (int exit, string output, string error) = await RunAsync("watch", "--prometheus", $"127.0.0.1:{port}", Fixture("leaky.dtrace.txt"));

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"gotrace: cannot serve metrics on 127.0.0.1:{port}: the port is in use\n", error);
    }

    /// <summary>
    /// With OTEL_EXPORTER_OTLP_ENDPOINT set (a child gotrace: the variable is process-wide), the metrics reach an OTLP/HTTP
    /// receiver on loopback; the export at exit carries the final values.
    /// </summary>
    [Fact]
    public async Task Watch_OtlpEndpointSet_ExportsTheMeterOverOtlp()
    {
        using var receiver = new HttpListener();
        int port = PrometheusTests.FreePort();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var bodies = new List<(string Path, string ContentType, byte[] Body)>();
        Task receiving = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext request;
                try
                {
                    request = await receiver.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;   // Stopped.
                }

                using var body = new MemoryStream();
                await request.Request.InputStream.CopyToAsync(body, TestContext.Current.CancellationToken);
                lock (bodies)
                {
                    bodies.Add((request.Request.Url!.AbsolutePath, request.Request.ContentType ?? string.Empty, body.ToArray()));
                }

                request.Response.StatusCode = 200;
                request.Response.ContentType = "application/x-protobuf";
                request.Response.Close();
            }
        }, TestContext.Current.CancellationToken);

        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "gotrace"), ["watch", Fixture("pool-full.trace.txt")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}";
        start.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        start.Environment["OTEL_SERVICE_NAME"] = "gotrace-otlp-test";
        using Process gotrace = Process.Start(start)!;
        string output = await gotrace.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string error = await gotrace.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await gotrace.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        receiver.Stop();
        await receiving;

        Assert.True(gotrace.ExitCode == 0, error);
        Assert.EndsWith(File.ReadAllText(Fixture("pool-full.expected.txt")), output, StringComparison.Ordinal);
        (string path, string contentType, byte[] last) = Assert.Single(bodies);
        Assert.Equal("/v1/metrics", path);
        Assert.Equal("application/x-protobuf", contentType);
        string text = Encoding.UTF8.GetString(last);   // protobuf strings are UTF-8 bytes on the wire
        foreach (string name in new[] { "gotrace.goroutines.live", "gotrace.goroutines.blocked", "gotrace.goroutines.leaked", "gotrace.events", "main.Gather.func1", "gotrace-otlp-test" })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }
}
