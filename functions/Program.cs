using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Core.Packs;
using Pipeline.Functions;
using Pipeline.Storage;

// The Functions host: load the survey packs (a broken pack is logged with its files and lines and skipped; the others
// keep working, and an upload to it is rejected with the reason), wire the core over Azure
// Storage, send logs and the pipeline's metrics to Application Insights, and let the triggers call the core.
var builder = FunctionsApplication.CreateBuilder(args);
var packsPath = builder.Configuration["Pipeline:SurveyPacksPath"] is { Length: > 0 } configured
    ? configured
    : Path.Combine(AppContext.BaseDirectory, "survey-packs");
var packs = await SurveyPackCatalog.LoadAsync(packsPath);
builder.Services.AddSurveyPipeline(builder.Configuration, packs, LakeBackend.AzureFromConfiguration(builder.Configuration));
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddPipelineMetrics(builder.Configuration); // the pipeline's counters, through OpenTelemetry
builder.Logging.Services.Configure<LoggerFilterOptions>(Telemetry.KeepInformationLogs);
var app = builder.Build();
PipelineServices.LogBrokenPacks(packs, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pipeline.Packs"));
await app.RunAsync();
