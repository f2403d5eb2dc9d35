package io.gpux.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that meets something heavy outside the JVM: a real {@code mlflow server}, an official
 * Python client or Python {@code onnxruntime}, other JVMs killed or racing, a disk that fills up.
 * {@code bin/test} (CI) runs these; {@code bin/test --fast}, the inner loop, leaves them out (JUnit
 * tag {@code slow}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("slow")
public @interface Slow {}
