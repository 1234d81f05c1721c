/*!40101 SET NAMES utf8mb4; */;
/*M!100100 SET x = 1 */;
/* a plain; comment */;
SELECT /*+ hint; */ 1;