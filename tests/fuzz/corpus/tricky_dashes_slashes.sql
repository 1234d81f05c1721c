SELECT 1 -/-*/ 2; SELECT 3 */; SELECT -- ;
-;