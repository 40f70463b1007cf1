using System.CommandLine;
using Pipeline.Cli;

// survey-pipeline: the local runner. Same core as the Functions app; a local folder lake by default,
// Azure Storage or Azurite with --connection (or the LakeStorage environment variable).
var lake = new Option<DirectoryInfo>("--lake") { Description = "Local folder for the lake (ignored with --connection).", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "lake")) };
var connection = new Option<string?>("--connection") { Description = "Azure Storage connection string (or Azurite's); default: the LakeStorage environment variable, else the local folder." };
var packs = new Option<DirectoryInfo?>("--packs") { Description = "Folder holding the survey packs. Default: the bundled survey-packs." };
var verbose = new Option<bool>("--verbose") { Description = "Show the pipeline's Information logs." };
var survey = new Option<string>("--survey") { Description = "Survey pack id (the first folder of incoming paths).", Required = true };
var force = new Option<bool>("--force") { Description = "Recompute even when no new data arrived." };

var demo = new Command("demo", "Run the whole pipeline on every bundled sample export and print the findings.") { lake, connection, packs, verbose };
demo.SetAction((parse, ct) => Checked(parse, null, null, (r, c) => r.DemoAsync(c), ct));

var file = new Argument<FileInfo>("file") { Description = "An export to upload to incoming/<survey>/ and ingest." };
var ingest = new Command("ingest", "Upload one export to the incoming zone and ingest it.") { file, survey, lake, connection, packs, verbose };
ingest.SetAction((parse, ct) => Checked(
    parse, parse.GetValue(survey)!, Usage.ExportFile(parse.GetValue(file)!, parse.GetValue(survey)!), (r, c) => r.IngestCommandAsync(parse.GetValue(survey)!, parse.GetValue(file)!, c), ct));

var folder = new Argument<DirectoryInfo>("folder") { Description = "A folder of exports; each file is uploaded and ingested, then findings are recomputed." };
var run = new Command("run", "Ingest every export in a folder, then recompute findings.") { folder, survey, lake, connection, packs, verbose };
run.SetAction((parse, ct) => Checked(
    parse, parse.GetValue(survey)!, Usage.ExportFolder(parse.GetValue(folder)!, parse.GetValue(survey)!), (r, c) => r.RunFolderAsync(parse.GetValue(survey)!, parse.GetValue(folder)!, c), ct));

var findingsSurvey = new Option<string?>("--survey") { Description = "Only this survey pack (default: all)." };
var findings = new Command("findings", "Recompute findings from the current curated view.") { findingsSurvey, force, lake, connection, packs, verbose };
findings.SetAction((parse, ct) => Checked(parse, parse.GetValue(findingsSurvey), null, (r, c) => r.FindingsAsync(parse.GetValue(findingsSurvey), parse.GetValue(force), c), ct));

var generateSurvey = new Option<string>("--survey") { Description = "Survey pack id.", DefaultValueFactory = _ => "peru-coffee-cacao" };
var cases = new Option<long>("--cases") { Description = "Number of cases (default 565, the survey's sample).", DefaultValueFactory = _ => 565 };
var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same files).", DefaultValueFactory = _ => new Pipeline.Generator.GeneratorOptions().Seed };
var formats = new Option<string>("--formats") { Description = "Comma-separated: dat, csv, csdb, xlsx, or all.", DefaultValueFactory = _ => "all" };
var faults = new Option<string>("--faults") { Description = "Faults to inject: 'all', or kind=rate,... (see docs/generator.md). Default none.", DefaultValueFactory = _ => string.Empty };
var outFolder = new Option<DirectoryInfo>("--out") { Description = "Output folder.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "generated")) };
var scaleUniverses = new Option<bool>("--scale-universes") { Description = "When the cases outgrow the universes of strata.csv, multiply them and write a copy of the pack with them to <out>/pack (else such a run is refused)." };
var generate = new Command("generate", "Write synthetic CSPro exports of a survey pack (any size, faults on request), streaming.") { generateSurvey, cases, seed, formats, faults, outFolder, scaleUniverses, packs };
generate.SetAction((parse, ct) => GenerateCommand.RunAsync(
    parse.GetValue(packs), parse.GetValue(generateSurvey)!, parse.GetValue(cases), parse.GetValue(seed), parse.GetValue(formats)!, parse.GetValue(faults)!, parse.GetValue(outFolder)!, parse.GetValue(scaleUniverses), ct));

var dictionaryFile = new Option<FileInfo>("--dictionary") { Description = "The survey's CSPro dictionary (.dcf, text or JSON).", Required = true };
var packOut = new Option<DirectoryInfo?>("--out") { Description = "The new pack's folder. Default: survey-packs/<id>, the id made from the dictionary's name." };
var init = new Command("init", "Write a working survey pack from a CSPro dictionary alone (then fill in strata and personal data; see docs/adding-a-survey.md).") { dictionaryFile, packOut };
init.SetAction((parse, ct) => PackCommands.InitAsync(parse.GetValue(dictionaryFile)!, parse.GetValue(packOut), ct));
var packFolder = new Argument<DirectoryInfo>("folder") { Description = "The survey pack's folder (the one holding pack.yaml)." };
var check = new Command("check", "Check a survey pack: every problem with file and line. Exit code 0 when clean, 1 when not.") { packFolder };
check.SetAction((parse, ct) => PackCommands.CheckAsync(parse.GetValue(packFolder)!, ct));
var pack = new Command("pack", "Make and check survey packs.") { init, check };

var root = new RootCommand($"Survey data pipeline: CSPro exports → validated Parquet lake → design-weighted findings. {ExitCodes.Help}") { demo, ingest, run, findings, generate, pack };
foreach (var command in new[] { demo, ingest, run, findings })
{
    command.Description += $" {ExitCodes.Help}";
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // System.CommandLine prints every error and the whole help, and exits 1 (our "some upload rejected"): one line and 2 instead.
    return await Usage.FailAsync($"{parsed.Errors[0].Message} Run 'survey-pipeline {parsed.CommandResult.Command.Name} --help' for the usage.");
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is not OperationCanceledException)
{
    // Anything not caught on the way is a bug or an outage: one line, not a stack trace (--verbose shows the logs).
    await Console.Error.WriteLineAsync($"error: unexpected {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} Rerun with --verbose; if it persists, report it with that output.");
    return ExitCodes.Failed;
}

// The argument checks that need no host run first: a bad path or survey id fails before the lake folder or a key is made.
Task<int> Checked(ParseResult parse, string? surveyId, string? pathProblem, Func<Runner, CancellationToken, Task<int>> command, CancellationToken ct) =>
    Usage.First(surveyId is null ? null : Usage.SurveyId(surveyId), pathProblem, Usage.LakeFolder(parse.GetValue(lake)!), Usage.PacksFolder(parse.GetValue(packs))) is { } problem
        ? Usage.FailAsync(problem)
        : Runner.RunAsync(Settings(parse), surveyId, command, ct);

RunnerSettings Settings(ParseResult parse) => new(
    parse.GetValue(lake)!,
    parse.GetValue(connection) ?? Environment.GetEnvironmentVariable("LakeStorage"),
    parse.GetValue(packs),
    parse.GetValue(verbose));
