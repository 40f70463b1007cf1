using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.Loader;

namespace Pipeline.Infra.Tests.Support;

/// <summary>A bindable option: its configuration path in app-setting form (<c>Lake__RawContainer</c>) and what binding needs.</summary>
public sealed record OptionSetting(string Section, string SettingName, bool IsRequired, bool HasDefault);

/// <summary>
/// The options classes of the built app (every type with a <c>public const string SectionName</c>), read by reflection
/// from the Functions build output next to functions.metadata, so the infra tests do not compile against code other
/// people are changing. Properties of nested option objects are flattened (<c>Ingest__Parquet__RowGroupSize</c>).
/// </summary>
public static class OptionsContract
{
    /// <summary>The core's layer assemblies (Pipeline.Core.*.dll) and the storage adapters, where options classes live.</summary>
    private static IEnumerable<string> Assemblies(string directory) =>
        Directory.EnumerateFiles(directory, "Pipeline.Core.*.dll").Select(Path.GetFileName).OfType<string>().Append("Pipeline.Storage.dll");

    public static IReadOnlyList<OptionSetting> Load()
    {
        var directory = Path.GetDirectoryName(FunctionsMetadata.Locate())!;
        var context = new AssemblyLoadContext("infra-tests-options", isCollectible: true);
        context.Resolving += (ctx, name) =>
        {
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        try
        {
            return Assemblies(directory)
                .Select(file => Path.Combine(directory, file))
                .Where(File.Exists)
                .Select(context.LoadFromAssemblyPath)
                .SelectMany(LoadableTypes)
                .Select(type => (type, section: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
                .Where(t => t.section is { IsLiteral: true } && t.section.FieldType == typeof(string))
                .SelectMany(t => Flatten(t.type, (string)t.section!.GetRawConstantValue()!, prefix: (string)t.section.GetRawConstantValue()!, depth: 0))
                .ToList();
        }
        finally
        {
            context.Unload();
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>().Where(t => t.IsPublic);
        }
    }

    private static IEnumerable<OptionSetting> Flatten(Type type, string section, string prefix, int depth)
    {
        var instance = type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var name = $"{prefix}__{property.Name}";
            if (IsLeaf(property.PropertyType))
            {
                var value = instance is null ? null : property.GetValue(instance);
                var hasDefault = value is not null && !(value is string text && text.Length == 0);
                // Attributes are compared by name: the options assembly may bind its own copy of DataAnnotations.
                var isRequired = property.GetCustomAttributesData().Any(a => a.AttributeType.FullName == typeof(RequiredAttribute).FullName);
                yield return new OptionSetting(section, name, isRequired, hasDefault);
            }
            else if (depth < 4)
            {
                foreach (var nested in Flatten(property.PropertyType, section, name, depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri)
            || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Guid) || t.IsArray || t.IsGenericType;
    }
}
