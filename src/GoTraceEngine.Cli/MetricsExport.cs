using System.CommandLine;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GoTraceEngine.Reporting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace GoTraceEngine.Cli;

/// <summary>
/// Exports a running engine's metrics for a fleet: <c>--prometheus HOST:PORT</c> serves the <c>GoTraceEngine</c> meter at
/// <c>http://HOST:PORT/metrics</c> (OpenTelemetry's Prometheus HttpListener exporter), and when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set the same metrics go over OTLP (OpenTelemetry's standard exporter, configured
/// by the usual <c>OTEL_*</c> variables).
/// </summary>
/// <remarks>
/// <para>Besides the library's instruments (<see cref="TraceEngineMetrics"/>), it publishes
/// <c>gotrace.goroutines.leaked</c>: the report's leaks (the verdict's) by start function and reason, the
/// <see cref="TopGroups"/> biggest groups and one <c>other</c> series for the rest, so a traced program cannot create
/// unbounded series. It is computed from <see cref="TraceEngine{TSink}.GetSummary"/>, which reads the tables, so
/// <see cref="Sample"/> runs on the feeding thread between feeds, at most once a <see cref="SampleInterval"/>, and the
/// collector's thread reads the last sample (an immutable array swapped atomically).</para>
/// <para>The gauge lives in this CLI rather than in the library because the library's instruments must not read the
/// tables while the engine runs; it uses the same meter name, so the exported metrics do not change if the library
/// takes it over.</para>
/// </remarks>
internal sealed class MetricsExport : IAsyncDisposable
{
    /// <summary>Leak groups exported with their own labels; the rest are summed into <c>other</c>.</summary>
    public const int TopGroups = 10;

    /// <summary>The label value of the series that sums the groups past <see cref="TopGroups"/>.</summary>
    public const string Other = "other";

    /// <summary>The start-function label of goroutines whose trace does not name it (no <c>fn=</c>).</summary>
    public const string Unknown = "unknown";

    /// <summary>The leak-group gauge is recomputed at most this often.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    private readonly MeterProvider _provider;
    private readonly Meter _meter;
    private readonly string? _endpoint;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TraceEngineMetrics? _engineMetrics;
    private LeakSeries[] _leaks = [];
    private TimeSpan _nextSample;
    private long _collections;
    private long _finalCollections = -1;

    private MetricsExport(MeterProvider provider, string? endpoint)
    {
        _provider = provider;
        _endpoint = endpoint;
        _meter = new Meter(TraceEngineMetrics.MeterName, typeof(TraceEngineMetrics).Assembly.GetName().Version?.ToString());
        _meter.CreateObservableGauge(
            "gotrace.goroutines.leaked",
            ObserveLeaks,
            "{goroutine}",
            $"Leak suspects by start function and reason: the {TopGroups} biggest groups, the rest as start_function=\"other\".");
    }

    /// <summary>How long the endpoint stays up after the input ends, waiting for one scrape of the final values.</summary>
    public static TimeSpan FinalScrapeWait { get; set; } = TimeSpan.FromSeconds(65);

    /// <summary>The <c>--prometheus</c> option, with its endpoint checked at parse time.</summary>
    public static Option<string?> CreateOption()
    {
        Option<string?> option = new("--prometheus")
        {
            Description = "Serve metrics in Prometheus text format at http://<HOST:PORT>/metrics while running (127.0.0.1:9464; 0.0.0.0:9464 for every interface). "
                + "OTEL_EXPORTER_OTLP_ENDPOINT also exports them over OTLP.",
            HelpName = "HOST:PORT",
        };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not null && !TryParseEndpoint(value, out _, out _))
            {
                result.AddError($"--prometheus '{value}' is not HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464, 0.0.0.0:9464).");
            }
        });
        return option;
    }

    /// <summary>Splits <c>HOST:PORT</c> (<c>[v6]:PORT</c> for IPv6); the wildcard hosts become HttpListener's <c>+</c>.</summary>
    /// <param name="value">The option's value.</param>
    /// <param name="host">The host for the listener's prefix.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <returns>Whether the value is an endpoint.</returns>
    public static bool TryParseEndpoint(string value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = value[..colon];
        if (host.StartsWith('[') != host.EndsWith(']') || (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')))
        {
            return false;
        }

        if (host is "0.0.0.0" or "*" or "+" or "[::]")
        {
            host = "+";
            return true;
        }

        return Uri.CheckHostName(host.Trim('[', ']')) != UriHostNameType.Unknown;
    }

    /// <summary>
    /// Starts the exporters the command line and environment ask for: null with no error when there is nothing to
    /// export, null with <paramref name="error"/> set (one line) when the endpoint cannot be served.
    /// </summary>
    /// <param name="prometheus">The <c>--prometheus</c> value, or null.</param>
    /// <param name="error">Why the export could not start.</param>
    /// <returns>The running export, or null.</returns>
    public static MetricsExport? Start(string? prometheus, out string? error)
    {
        error = null;
        bool otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        if (prometheus is null && !otlp)
        {
            return null;
        }

        string? endpoint = null;
        MeterProviderBuilder builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
                {
                    resource.AddService("gotrace", serviceVersion: typeof(MetricsExport).Assembly.GetName().Version?.ToString(3));
                }
            })
            .AddMeter(TraceEngineMetrics.MeterName);
        if (prometheus is not null)
        {
            TryParseEndpoint(prometheus, out string host, out int port);
            endpoint = $"http://{(host == "+" ? prometheus[..prometheus.LastIndexOf(':')] : host)}:{port}/metrics";
            if (!CanBind(host, port, out string? reason))
            {
                error = $"cannot serve metrics on {prometheus}: {reason}";
                return null;
            }

            builder.AddPrometheusHttpListener(options =>
            {
                options.Port = port;
                options.Host = host == "+" ? "localhost" : host;
                options.ScrapeEndpointPath = "/metrics";
                options.ConfigureHttpListener = (o, listener) =>
                {
                    // One prefix, exactly the endpoint asked for ('+': every interface, any Host header).
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add($"http://{host}:{o.Port}/metrics/");
                };
            });
        }

        if (otlp)
        {
            builder.AddOtlpExporter();
        }

        try
        {
            return new MetricsExport(builder.Build(), endpoint);
        }
        catch (Exception e) when (e is HttpListenerException or SocketException or InvalidOperationException)
        {
            error = $"cannot serve metrics on {prometheus}: {e.Message}";
            return null;
        }
    }

    /// <summary>Publishes <paramref name="engine"/>'s instruments (<see cref="TraceEngineMetrics"/>).</summary>
    /// <param name="engine">The engine the command feeds.</param>
    public void Attach(TraceEngine engine)
    {
        _engineMetrics?.Dispose();
        _engineMetrics = TraceEngineMetrics.Create(engine);
    }

    /// <summary>Recomputes the leak-group gauge if a <see cref="SampleInterval"/> has passed. Call on the feeding thread, between feeds.</summary>
    /// <param name="engine">The engine being fed.</param>
    public void Sample(TraceEngine engine)
    {
        if (_clock.Elapsed >= _nextSample)
        {
            Publish(engine.GetSummary());
            _nextSample = _clock.Elapsed + SampleInterval;
        }
    }

    /// <summary>Publishes the final report's leak groups: the values the last scrape and the OTLP flush carry.</summary>
    /// <param name="summary">The report.</param>
    public void Final(TraceSummary summary)
    {
        Publish(summary);
        Interlocked.Exchange(ref _finalCollections, Interlocked.Read(ref _collections));
    }

    /// <summary>
    /// With <c>--prometheus</c>, keeps the endpoint up after the input ended until a scrape has read the final values
    /// (at most <see cref="FinalScrapeWait"/>, or until <paramref name="cancellationToken"/> fires), so a run shorter than
    /// the scrape interval is still seen; says so on <paramref name="stderr"/> first.
    /// </summary>
    /// <param name="stderr">Where to say it is waiting.</param>
    /// <param name="cancellationToken">Ctrl-C: stop waiting.</param>
    /// <returns>A task that completes when a scrape has read the final values, or the wait is over.</returns>
    public async Task WaitForFinalScrapeAsync(TextWriter stderr, CancellationToken cancellationToken)
    {
        long final = Interlocked.Read(ref _finalCollections);
        if (_endpoint is null || final < 0 || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"gotrace: serving the final metrics at {_endpoint} until the next scrape (at most {FinalScrapeWait.TotalSeconds:0}s; Ctrl-C to stop)")).ConfigureAwait(false);
        var waited = Stopwatch.StartNew();
        while (Interlocked.Read(ref _collections) <= final && waited.Elapsed < FinalScrapeWait && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }

        // The collection ran; give the exporter a moment to send the response before the listener closes.
        await Task.Delay(500, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops serving and flushes the OTLP exporter (its last export carries the final values).</summary>
    /// <returns>A task that completes when the exporters are shut down.</returns>
    public ValueTask DisposeAsync()
    {
        _provider.Dispose();
        _engineMetrics?.Dispose();
        _meter.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Groups a report's leak groups by start function and reason, biggest first, the tail summed into <see cref="Other"/>.</summary>
    /// <param name="groups">The report's leak groups.</param>
    /// <param name="top">How many series keep their own labels.</param>
    /// <returns>At most <paramref name="top"/> + 1 series.</returns>
    internal static LeakSeries[] Series(IReadOnlyList<LeakGroup> groups, int top)
    {
        var byLabels = new Dictionary<(string, string), long>();
        foreach (LeakGroup group in groups)
        {
            var key = (group.StartFunction ?? Unknown, group.Reason);
            byLabels[key] = byLabels.GetValueOrDefault(key) + group.Count;
        }

        var ordered = byLabels.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).ToList();
        var series = ordered.Take(top).Select(p => new LeakSeries(p.Key.Item1, p.Key.Item2, p.Value)).ToList();
        if (ordered.Count > top)
        {
            series.Add(new LeakSeries(Other, Other, ordered.Skip(top).Sum(p => p.Value)));
        }

        return [.. series];
    }

    private void Publish(TraceSummary summary) => Volatile.Write(ref _leaks, Series(summary.LeakGroups, TopGroups));

    private IEnumerable<Measurement<long>> ObserveLeaks()
    {
        Interlocked.Increment(ref _collections);
        LeakSeries[] leaks = Volatile.Read(ref _leaks);
        var measurements = new Measurement<long>[leaks.Length];
        for (int i = 0; i < leaks.Length; i++)
        {
            measurements[i] = new Measurement<long>(leaks[i].Count, new("start_function", leaks[i].StartFunction), new("reason", leaks[i].Reason));
        }

        return measurements;
    }

    /// <summary>Checks the port is free before starting the exporter, whose listener would only log the failure.</summary>
    private static bool CanBind(string host, int port, out string? reason)
    {
        reason = null;
        IPAddress address = host == "+" ? IPAddress.Any
            : IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? parsed) ? parsed
            : host == "localhost" ? IPAddress.Loopback
            : Array.Find(SafeResolve(host), a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) ?? IPAddress.None;
        if (address.Equals(IPAddress.None))
        {
            reason = $"cannot resolve '{host}'";
            return false;
        }

        try
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException e)
        {
            reason = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the port is in use",
                SocketError.AddressNotAvailable => "not an address of this machine",
                SocketError.AccessDenied => "permission denied",
                _ => e.Message,
            };
            return false;
        }
    }

    private static IPAddress[] SafeResolve(string host)
    {
        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}

/// <summary>One series of the leak-group gauge.</summary>
/// <param name="StartFunction">The goroutines' start function, <c>unknown</c>, or <c>other</c>.</param>
/// <param name="Reason">Their blocking reason, or <c>other</c>.</param>
/// <param name="Count">Leak suspects in the series.</param>
internal sealed record LeakSeries(string StartFunction, string Reason, long Count);
