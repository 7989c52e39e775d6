using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Inbound;

/// <summary>The webhook operations in the OpenAPI document: the signature scheme and the signed headers.</summary>
internal static class InboundOpenApi
{
    public const string WebhookSignatureScheme = "WebhookSignature";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[WebhookSignatureScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = WebhookEndpoints.SignatureHeader,
                Description = "Lowercase hex HMAC-SHA256(secret of the source, X-Workstation-Timestamp + \".\" + raw body). " +
                              "HIS may send X-HIS-Signature instead. Timestamps older than 5 minutes are refused.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<SignedRequestMetadata>().Any()
                && context.Description.RelativePath?.StartsWith("api/v1/webhooks", StringComparison.Ordinal) == true)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(WebhookSignatureScheme, context.Document)] = [] }];
                operation.Parameters ??= [];
                operation.Parameters.Add(OpenApiContract.Header(WebhookEndpoints.TimestampHeader, "Unix seconds when the sender signed the body.", required: true));
                operation.Parameters.Add(OpenApiContract.Header(WebhookEndpoints.HisSignatureHeader, "HIS only: the signature under seed 000's header name.", required: false));
                OpenApiContract.AddProblem(operation, context.Document, "400", "The body or a parameter is invalid; the ProblemDetails names the field.");
            }
            return Task.CompletedTask;
        });
    }
}
