-- first;
/* lead; */ SELECT /* inside; */ 1 -- after;
;
SELECT 2 /* tail; */;