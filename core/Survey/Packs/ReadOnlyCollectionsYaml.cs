using System.Collections.ObjectModel;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Pipeline.Core.Packs;

/// <summary>
/// Lets YamlDotNet (16.3 has no deserializer for read-only collection interfaces) fill the pack model's
/// <see cref="IReadOnlyList{T}"/> and <see cref="IReadOnlyDictionary{TKey, TValue}"/> properties: the node is read as a
/// list or dictionary and wrapped read-only, so a loaded pack cannot be changed through a cast.
/// </summary>
internal sealed class ReadOnlyCollectionsYaml : INodeDeserializer
{
    public bool Deserialize(IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer, out object? value, ObjectDeserializer rootDeserializer)
    {
        value = null;
        if (!expectedType.IsGenericType)
        {
            return false;
        }

        var definition = expectedType.GetGenericTypeDefinition();
        var arguments = expectedType.GetGenericArguments();
        if (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>))
        {
            var list = nestedObjectDeserializer(reader, typeof(List<>).MakeGenericType(arguments));
            value = list is null ? null : Activator.CreateInstance(typeof(ReadOnlyCollection<>).MakeGenericType(arguments), list);
            return true;
        }

        if (definition == typeof(IReadOnlyDictionary<,>))
        {
            var dictionary = nestedObjectDeserializer(reader, typeof(Dictionary<,>).MakeGenericType(arguments));
            value = dictionary is null ? null : Activator.CreateInstance(typeof(ReadOnlyDictionary<,>).MakeGenericType(arguments), dictionary);
            return true;
        }

        return false;
    }
}
