using MantisShrimp.Engine.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace MantisShrimp.Host.Web;

/// <summary>
/// <c>GET /metrics</c> of <c>mantis serve</c> in Prometheus text format, through OpenTelemetry: the engine's
/// <c>MantisShrimp</c> meter (series <c>mantis_…</c>), ASP.NET Core's (<c>http_server_…</c>, <c>kestrel_…</c>) and
/// the runtime's (<c>dotnet_…</c>). OpenTelemetry lives here only; the engine uses System.Diagnostics.Metrics.
/// </summary>
internal static class Telemetry
{
    public const string MetricsPath = "/metrics";

    public static void AddMantisTelemetry(this IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(EngineMetrics.Name)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());

    public static void MapMantisMetrics(this WebApplication app) => app.MapPrometheusScrapingEndpoint(MetricsPath);
}
