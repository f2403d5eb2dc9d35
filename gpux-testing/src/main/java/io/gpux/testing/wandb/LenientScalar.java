package io.gpux.testing.wandb;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.GraphQLScalarType;
import java.util.Locale;

/**
 * W&amp;B's custom scalars ({@code JSONString}, {@code DateTime}, {@code Int64}, ...): values pass
 * through as the fixtures hold them, literals as their plain value.
 */
final class LenientScalar implements Coercing<Object, Object> {
  static GraphQLScalarType named(String name) {
    return GraphQLScalarType.newScalar().name(name).coercing(new LenientScalar()).build();
  }

  @Override
  public Object serialize(Object value, GraphQLContext context, Locale locale) {
    return value;
  }

  @Override
  public Object parseValue(Object input, GraphQLContext context, Locale locale) {
    return input;
  }

  @Override
  public Object parseLiteral(
      Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
    if (input instanceof StringValue s) {
      return s.getValue();
    }
    if (input instanceof IntValue i) {
      return i.getValue().longValue();
    }
    if (input instanceof FloatValue f) {
      return f.getValue().doubleValue();
    }
    if (input instanceof BooleanValue b) {
      return b.isValue();
    }
    return null;
  }
}
