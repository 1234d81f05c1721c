SELECT 1;
SELECT $tag$ a; $ta $tag