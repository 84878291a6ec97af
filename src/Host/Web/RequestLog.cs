using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MantisShrimp.Host.Web;

/// <summary>One structured line per request through ASP.NET Core's logging (category MantisShrimp.Requests).</summary>
internal static partial class RequestLog
{
    public const string Category = "MantisShrimp.Requests";

    /// <summary>HttpContext.Items key where /predict leaves the size of the forward pass its galaxy joined.</summary>
    public const string GalaxiesItem = "mantis.galaxies";

    public static async Task Invoke(HttpContext http, RequestDelegate next, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await next(http);
        }
        finally
        {
            // The line's fields are formatted only when it will be written.
            if (logger.IsEnabled(LogLevel.Information))
            {
                int galaxies = http.Items.TryGetValue(GalaxiesItem, out var g) && g is int n ? n : 0;
                string time = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                string path = Engine.Common.Printable.Escape(http.Request.Path.Value ?? "");
                string client = http.Connection.RemoteIpAddress?.ToString() ?? "-";
                double latencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
                Served(logger, time, client, http.Request.Method, path, http.Response.StatusCode, latencyMs, galaxies);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{Time} {Client} {Method} {Path} {Status} {LatencyMs} ms, batch of {Galaxies} galaxies")]
    private static partial void Served(ILogger logger, string time, string client, string method, string path, int status,
        double latencyMs, int galaxies);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "POST /predict failed")]
    public static partial void PredictFailed(ILogger logger, Exception exception);
}
