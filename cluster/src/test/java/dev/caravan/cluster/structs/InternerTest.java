package dev.caravan.cluster.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class InternerTest {
  @Test
  void equalValuesShareTheFirstInstanceUntilTheBoundIsReached() {
    Interner<String> interner = new Interner<>(2);
    String a = new String("service");
    String b = new String("batch");
    assertSame(a, interner.intern(a));
    assertSame(a, interner.intern(new String("service")));
    assertSame(b, interner.intern(b));

    String c = new String("system"); // full: given back, not kept
    assertSame(c, interner.intern(c));
    String c2 = new String("system");
    assertNotSame(c, interner.intern(c2));
    assertEquals(c, interner.intern(c2));
    assertSame(b, interner.intern(new String("batch")));
  }
}
