using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Workstation.Portal.Hosting;

/// <summary>Makes the served OpenAPI document the whole contract a HIS integrator generates a client from: the API-key
/// and webhook-signature schemes, the webhook headers, the ProblemDetails every operation can answer, tag descriptions.
/// The test command lints it with <c>redocly lint</c>.</summary>
internal static class OpenApiContract
{
    public const string HisApiKeyScheme = "HisApiKey";
    public const string StaffCookieScheme = "StaffCookie";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Launch", "Open the portal for a doctor, patient and encounter (server to server: a one-time code for the iframe URL)."),
        ("Orders", "Check order lines for duplicates of recognisable results, validate an order before saving it, read the decisions and retained reports of an encounter."),
        ("Catalogue", "The recognition item catalogue (互认项目) with validity windows and prices."),
        ("Webhooks", "Signed events from LIS, PACS and HIS: critical values, report ready / revoked, visits."),
        ("Review", "Quality officers' review of recognition decisions: explorer, summary, exports, review marks, audit trail (staff sign-in)."),
        ("CDS Hooks", "HL7 CDS Hooks 2.0 service for standards-based EHRs: order-select and order-sign cards, feedback as decisions (client JWT)."),
        ("FHIR R4", "Read-only FHIR R4 API for the reports retained after 互认 (client JWT or HIS API key; application/fhir+json)."),
    ];

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Workstation HIS API";
            document.Info.Description = "The hospital-side API of the mutual-recognition workstation (检查检验结果互认工作站). " +
                                        "Errors are RFC 9457 ProblemDetails; request bodies are validated and answer 400 naming the field.";
            document.Info.License = new OpenApiLicense { Name = "Proprietary: licensed to the hospital that runs it", Identifier = "LicenseRef-Proprietary" };
            foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[HisApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = HisApiKeyHandler.Header,
                Description = "The API key of the HIS installation (His:Clients:N:ApiKey).",
            };
            document.Components.SecuritySchemes[StaffCookieScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = "workstation.staff",
                Description = "The staff sign-in cookie (POST /account/login); the operation names the roles it needs.",
            };
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var his = metadata.OfType<IAuthorizeData>().Any(a => a.Policy == HisApiKeyHandler.Policy);
            var webhook = metadata.OfType<SignedRequestMetadata>().Any(); // a feature documents its own signature scheme
            if (his)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HisApiKeyScheme, context.Document)] = [] }];
                AddProblem(operation, context.Document, "401", "The X-Api-Key header is missing or unknown.");
                AddProblem(operation, context.Document, "403", "The API key is not allowed to call this operation.");
            }
            if (!his && !webhook && metadata.OfType<IAuthorizeData>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(StaffCookieScheme, context.Document)] = [] }];
                AddProblem(operation, context.Document, "401", "Not signed in.");
                AddProblem(operation, context.Document, "403", "Signed in without a role this operation needs.");
            }
            if (his || webhook) AddProblem(operation, context.Document, "400", "The body or a parameter is invalid; the ProblemDetails names the field.");
            return Task.CompletedTask;
        });
    }

    /// <summary>A header parameter for an operation's documentation.</summary>
    public static OpenApiParameter Header(string name, string description, bool required) => new()
    {
        Name = name, In = ParameterLocation.Header, Required = required, Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    public static void AddProblem(OpenApiOperation operation, OpenApiDocument? document, string status, string description)
    {
        operation.Responses ??= [];
        if (operation.Responses.ContainsKey(status)) return;
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
            },
        };
    }
}

/// <summary>Endpoint metadata: the request is authenticated by a signature a feature documents itself (not by the HIS
/// API key or a staff cookie), so the common contract adds no security scheme to it.</summary>
internal sealed class SignedRequestMetadata;
