using System.Globalization;
using MantisShrimp.Engine.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MantisShrimp.Host.Web;

/// <summary>
/// <c>GET /openapi.json</c>: the OpenAPI document Microsoft.AspNetCore.OpenApi generates from the app's endpoints and the
/// types they answer with (schemas from the same JSON contract the responses are written with). Added here only what the
/// endpoints cannot say themselves: the title, what each status means, and <c>/metrics</c>, which OpenTelemetry maps
/// as a bare request delegate that the generator does not see.
/// </summary>
internal static class ApiDocument
{
    public const string Path = "/openapi.json";

    public static void Configure(OpenApiOptions o)
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = "Mantis Shrimp forced photo-z", Version = "1.0" };
            document.Paths ??= new OpenApiPaths();
            document.Paths[Telemetry.MetricsPath] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Get] = new()
                    {
                        Summary = "engine, ASP.NET Core and runtime metrics (Prometheus text format)",
                        Responses = new OpenApiResponses
                        {
                            ["200"] = new OpenApiResponse
                            {
                                Description = "OK",
                                Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() },
                            },
                        },
                    },
                },
            };
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            // The summary columns are properties of the contract, not of the record: what they mean, and that every answer
            // has them (a getter-only contract property cannot be marked required: the serialiser refuses it), come from
            // the columns.
            if (context.JsonPropertyInfo is { } property && property.DeclaringType == typeof(PredictResponse)
                && PdfColumns.Summary.FirstOrDefault(c => c.Name == property.Name) is { } column)
                schema.Description = column.Description;
            else if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Type == typeof(PredictResponse))
                foreach (var c in PdfColumns.Summary) (schema.Required ??= new HashSet<string>()).Add(c.Name);
            return Task.CompletedTask;
        });
    }

    /// <summary>What <c>POST /predict</c> takes and answers, status by status (docs/serve.md).</summary>
    public static RouteHandlerBuilder Describe(RouteHandlerBuilder predict)
    {
        var statuses = new Dictionary<int, string>
        {
            [StatusCodes.Status200OK] = "the PDF, its summaries, the dust used, the S/N and a cutout link",
            [StatusCodes.Status400BadRequest] = "bad input, with a reason naming the field",
            [StatusCodes.Status413PayloadTooLarge] = "the body is larger than 16 KiB",
            [StatusCodes.Status415UnsupportedMediaType] = "Content-Type is not application/json",
            [StatusCodes.Status429TooManyRequests] = "rate limited; see Retry-After",
            [StatusCodes.Status500InternalServerError] = "an unexpected fault (logged on the server)",
            [StatusCodes.Status502BadGateway] = "a cutout service failed",
            [StatusCodes.Status504GatewayTimeout] = "a cutout service timed out",
        };
        // The body is described, not declared with Accepts: Accepts metadata makes routing answer a wrong Content-Type
        // with a bare 415 before the handler can say why.
        predict.WithSummary("redshift PDF at a sky position")
            .Produces<PredictResponse>(StatusCodes.Status200OK).Produces<RateLimitedResponse>(StatusCodes.Status429TooManyRequests);
        foreach (int status in statuses.Keys.Where(s => s is not (StatusCodes.Status200OK or StatusCodes.Status429TooManyRequests)))
            predict.Produces<ErrorResponse>(status);
        return predict.AddOpenApiOperationTransformer(async (operation, context, cancel) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(PredictInput), null, cancel) },
                },
            };
            foreach (var (status, response) in operation.Responses ?? [])
                if (response is OpenApiResponse r && statuses.TryGetValue(int.Parse(status, CultureInfo.InvariantCulture), out var what))
                    r.Description = what;
        });
    }
}
